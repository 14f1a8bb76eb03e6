"""Golden files: the text report of each file in tests/cases/lint/ (no server needed).

Regenerate with PGSHIFT_UPDATE_GOLDEN=1 after a deliberate change, and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pgshift.lint.engine import LintOptions, lint_migration, sort_findings
from pgshift.lint.report import text
from pgshift.migrations.discovery import sql_file

CASES = Path(__file__).resolve().parent.parent / "cases" / "lint"


# the files with a golden report; the other cases are read by test_lint_corpus
GOLDEN = sorted(p for p in CASES.glob("*.sql") if p.with_suffix(".txt").exists())


@pytest.mark.parametrize("case", GOLDEN, ids=lambda p: p.stem)
def test_report_matches_the_golden_file(case: Path) -> None:
    migration = sql_file(Path(case.name), case.read_text())
    report = text(sort_findings(lint_migration(migration, LintOptions())), 1)
    golden = case.with_suffix(".txt")
    if os.environ.get("PGSHIFT_UPDATE_GOLDEN"):
        golden.write_text(report)
    assert report == golden.read_text()
