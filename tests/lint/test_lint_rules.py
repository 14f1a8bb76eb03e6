"""Every lint rule: documented, registered, and its examples behave as documented."""

from __future__ import annotations

import pkgutil
import re
from dataclasses import replace
from importlib import import_module
from pathlib import Path

import pytest

from pgshift.lint import rules as rules_package
from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.examples import Example, examples, sections
from pgshift.lint.model import GROUPS, Rule
from pgshift.migrations.discovery import sql_file

MODULE_NAMES = sorted(m.name for m in pkgutil.iter_modules(rules_package.__path__))
ALL = [import_module(f"pgshift.lint.rules.{name}").RULE for name in MODULE_NAMES]


def _cases() -> list[tuple[Rule, int, Example]]:
    return [(rule, n, example) for rule in ALL for n, example in enumerate(examples(rule.doc))]


def test_every_rule_module_is_registered() -> None:
    assert sorted(rules_package.MODULES) == MODULE_NAMES
    assert len(set(rules_package.MODULES)) == len(rules_package.MODULES)


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_rule_is_documented(rule: Rule) -> None:
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.id)
    module = next(n for n in MODULE_NAMES if import_module(f"pgshift.lint.rules.{n}").RULE is rule)
    assert module == rule.id.replace("-", "_")
    assert rule.group in GROUPS
    assert rule.summary.endswith(".")
    parts = sections(rule.doc)
    assert {"problem", "solution", "examples"} <= set(parts), rule.id
    found = examples(rule.doc)
    assert sum(e.bad for e in found) >= 2, f"{rule.id}: fewer than two bad examples"
    assert sum(not e.bad for e in found) >= 2, f"{rule.id}: fewer than two good examples"


@pytest.mark.parametrize(
    ("rule", "n", "example"),
    _cases(),
    ids=[f"{r.id}-{n}-{'bad' if e.bad else 'good'}" for r, n, e in _cases()],
)
def test_example(rule: Rule, n: int, example: Example) -> None:
    findings = lint_migration(
        sql_file(Path(f"{rule.id}-{n}.sql"), example.sql),
        LintOptions(pg_version=example.pg_version, rules=(rule,)),
    )
    fired = [f for f in findings if f.rule == rule.id]
    # the statement types a rule declares must not hide a finding it would make
    everywhere = lint_migration(
        sql_file(Path(f"{rule.id}-{n}.sql"), example.sql),
        LintOptions(pg_version=example.pg_version, rules=(replace(rule, nodes=None),)),
    )
    assert everywhere == findings
    if example.bad:
        assert fired, f"{rule.id} did not fire on:\n{example.sql}"
        for finding in fired:
            assert finding.message
            assert finding.safe, f"{rule.id}: a finding must say the safe way"
        # what the rule says is pinned: its level (migrate refuses errors), where, the fix
        assert example.lines, f"{rule.id}-{n}: a bad example says line=N"
        assert example.severity, f"{rule.id}-{n}: a bad example says severity=..."
        assert example.safe, f'{rule.id}-{n}: a bad example says safe="..."'
        assert sorted({f.line for f in fired}) == list(example.lines)
        assert {f.severity.value for f in fired} == {example.severity}
        # "a|b": each finding's safe text names one of them (a statement with two findings)
        words = example.safe.split("|")
        assert all(any(w in f.safe for w in words) for f in fired), [f.safe for f in fired]
    else:
        assert not fired, f"{rule.id} fired on a good example:\n{example.sql}\n{fired}"
