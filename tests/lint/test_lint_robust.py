"""The linter never crashes: mutated SQL gives findings or a clear SQL error, nothing else,
and a rule that raises costs its own findings on that statement, never the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgshift.errors import PgshiftError
from pgshift.lint.context import Context, Stmt
from pgshift.lint.engine import LintOptions, lint_migration, sort_findings
from pgshift.lint.examples import examples
from pgshift.lint.model import RULE_CRASHED, Finding, Hit, Rule, Severity
from pgshift.lint.report import text
from pgshift.lint.rules import RULES
from pgshift.migrations.discovery import sql_file

CORPUS = [e.sql for rule in RULES for e in examples(rule.doc)]
TOKENS = sorted({token for sql in CORPUS for token in sql.split()})


@st.composite
def mutated(draw: st.DrawFn) -> str:
    words = draw(st.sampled_from(CORPUS)).split(" ")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(words)))
        action = draw(st.sampled_from(["drop", "copy", "insert"]))
        if action == "drop" and words:
            del words[min(at, len(words) - 1)]
        elif action == "copy" and words:
            words.insert(at, words[min(at, len(words) - 1)])
        else:
            words.insert(at, draw(st.sampled_from(TOKENS)))
    return " ".join(words) or "SELECT 1;"


def _lint(sql: str, version: int | None) -> list[Finding] | PgshiftError:
    try:
        return lint_migration(sql_file(Path("m.sql"), sql), LintOptions(pg_version=version))
    except PgshiftError as exc:  # a syntax error, an unknown rule in an allow comment, ...
        return exc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from([None, 10, 11, 14, 18]))
def test_mutated_sql_gives_findings_or_a_clear_error(sql: str, version: int | None) -> None:
    result = _lint(sql, version)
    if isinstance(result, PgshiftError):
        assert result.message.startswith("m.sql"), result.message  # it says where
        assert result.hint
        return
    for finding in result:
        assert finding.line >= 1
        assert finding.message
        assert finding.safe


def _findings(sql: str, options: LintOptions | None = None) -> list[Finding]:
    return lint_migration(sql_file(Path("m.sql"), sql), options or LintOptions())


def test_a_subquery_in_set_is_checked_like_any_statement() -> None:
    findings = _findings(
        "UPDATE t SET a = (SELECT 1) WHERE id = 1;\n"
        "UPDATE t SET (b, c) = (SELECT 1, 2) WHERE id = 1;\n"
    )
    assert [f for f in findings if f.rule == RULE_CRASHED] == []
    assert [f.rule for f in findings] == ["missing-statement-timeout"]


def test_a_column_set_twice_is_found_and_array_elements_are_not() -> None:
    twice = _findings("UPDATE t SET a = NULL, a[1] = 2 WHERE id = 1;\n")
    (finding,) = [f for f in twice if f.rule == "duplicate-column"]
    assert "sets a 2 times" in finding.message
    elements = _findings("UPDATE t SET a[1] = 1, a[2] = 2 WHERE id = 1;\n")
    assert "duplicate-column" not in {f.rule for f in elements}


def _breaks_on_drops(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    yield Hit("said before the crash, and dropped with it", "-")
    if stmt.node == "DropStmt":
        raise KeyError("name")


# the rules a default run runs (those off by default are named by the project)
ON = tuple(r for r in RULES if r.enabled_by_default)
BROKEN = Rule("broken-on-drops", "style", Severity.ERROR, "Raises on DROP.", _breaks_on_drops)


def test_a_rule_that_raises_is_a_warning_and_every_other_rule_still_speaks() -> None:
    sql = "SELECT 1;\n\nDROP TABLE users;\nDROP TABLE orders;\n"
    everything = _findings(sql, LintOptions(rules=(*ON, BROKEN)))
    crashed = [f for f in everything if f.rule == RULE_CRASHED]
    assert [(f.line, f.severity) for f in crashed] == [(3, Severity.WARNING), (4, Severity.WARNING)]
    assert "rule broken-on-drops crashed" in crashed[0].message
    assert "KeyError: 'name'" in crashed[0].message
    assert "report" in crashed[0].safe
    assert "pgshift:allow broken-on-drops" in crashed[0].safe
    assert crashed[0].statement == "DROP TABLE users"
    # the broken rule's own findings where it did not raise, and all the others' findings
    others = [f for f in everything if f.rule not in (RULE_CRASHED, BROKEN.id)]
    assert others == _findings(sql)
    assert [f.line for f in everything if f.rule == BROKEN.id] == [1]
    report = text(sort_findings(everything), 1)
    assert "m.sql:3:1: warning [rule-crashed] rule broken-on-drops crashed" in report
    assert "pgshift:allow rule-crashed" not in report  # nothing to acknowledge: a bug to report


def test_acknowledging_a_broken_rule_skips_it() -> None:
    sql = "DROP TABLE users; -- pgshift:allow broken-on-drops\n"
    findings = _findings(sql, LintOptions(rules=(*ON, BROKEN)))
    assert RULE_CRASHED not in {f.rule for f in findings}
    assert "drop-table" in {f.rule for f in findings}


def test_a_rule_looks_at_the_rest_of_the_file_once_not_at_every_statement() -> None:
    asked: list[str] = []

    def created_later(stmt: Stmt, ctx: Context) -> bool:
        asked.append(stmt.sql)
        return stmt.node == "CreateStmt"

    def names(stmt: Stmt) -> tuple[str, ...]:
        asked.append(stmt.sql)
        return (stmt.node,)

    def spy(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
        later = ctx.later(ctx.where(created_later))
        if later and ctx.by(names).get("DropStmt"):
            yield Hit(f"a table is created at statement {later[0]}", "-")

    rule = Rule("spy", "style", Severity.INFO, "Looks ahead.", spy)
    sql = "".join(f"DROP TABLE IF EXISTS t{n};\nCREATE TABLE t{n} (id int);\n" for n in range(50))
    findings = _findings(sql, LintOptions(rules=(rule,)))
    assert len(asked) == 2 * 100  # each statement once per function, for the whole file
    assert [f.message for f in findings][:2] == [
        "a table is created at statement 1",
        "a table is created at statement 3",
    ]


def test_a_big_files_trees_are_parsed_once_each_and_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tracemalloc

    import pgshift.migrations.statements as statements

    rows = "".join(f"INSERT INTO items (id, name) VALUES ({i}, 'name {i}');\n" for i in range(8000))
    text = "CREATE TABLE items (id int PRIMARY KEY, name text);\n" + rows
    assert len(text) > statements.KEEP_TREES  # a file whose trees the splitter does not keep
    calls = 0
    parse = statements.parse_tree

    def counting(sql: str) -> dict[str, object]:
        nonlocal calls
        calls += 1
        return parse(sql)

    monkeypatch.setattr(statements, "parse_tree", counting)
    migration = sql_file(Path("0002_items.sql"), text)
    split = statements.split(migration.up)  # type: ignore[arg-type]
    tracemalloc.start()
    try:
        lint_migration(migration, LintOptions(), split)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert calls <= 8001 + 10  # one parse a statement, for every rule that looks at it
    # the trees (some fifty times their text) are let go statement by statement
    assert peak < 10 * len(text), peak
