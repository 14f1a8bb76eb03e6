"""The linter: unsafe migration SQL caught before it runs, with the safe way to write it.

Findings are values; :mod:`pgshift.lint.report` formats them. Rules live one per
module in :mod:`pgshift.lint.rules`, each documented by its docstring.
"""

import sys

from pgshift import LintPackage
from pgshift.lint.engine import LintOptions, lint_migration, lint_section
from pgshift.lint.model import Finding, Lock, Rule, Severity

__all__ = ["Finding", "LintOptions", "Lock", "Rule", "Severity", "lint_migration", "lint_section"]

# ``pgshift.lint(...)`` stays the API function once this package is imported
sys.modules[__name__].__class__ = LintPackage
