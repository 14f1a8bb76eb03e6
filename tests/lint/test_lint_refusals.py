"""Lint flags what ``pgshift migrate`` refuses before running anything, in its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.errors import ConfigError, SqlError
from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.model import MIGRATE_REFUSES, Finding, Severity
from pgshift.lint.report import text
from pgshift.migrations.discovery import sql_file
from pgshift.migrations.statements import check_runnable, split

DO_COMMIT = """\
ALTER TABLE users ADD COLUMN plan text;
DO $$
BEGIN
  UPDATE users SET plan = 'free' WHERE id < 1000;
  COMMIT;
END
$$;
"""

CONCURRENTLY = (
    "ALTER TABLE users ADD COLUMN plan text;\n\n"
    "CREATE INDEX CONCURRENTLY users_plan_idx ON users (plan);\n"
)


def _lint(sql: str, options: LintOptions | None = None) -> list[Finding]:
    return lint_migration(sql_file(Path("m.sql"), sql), options or LintOptions())


def _migrate_says(sql: str) -> SqlError:
    migration = sql_file(Path("m.sql"), sql)
    assert migration.up is not None
    with pytest.raises(SqlError) as refused:
        check_runnable(split(migration.up), migration.directives.transaction, migration.up)
    return refused.value


def _errors(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in findings if f.severity is Severity.ERROR]


def test_a_do_block_that_commits_is_refused_as_migrate_refuses_it() -> None:
    migrate = _migrate_says(DO_COMMIT)
    (finding,) = [f for f in _lint(DO_COMMIT) if f.severity is Severity.ERROR]
    assert (finding.rule, finding.line) == (MIGRATE_REFUSES, migrate.line) == (MIGRATE_REFUSES, 2)
    assert f"m.sql:{finding.line}: {finding.message}" == migrate.message.split("\n")[0]
    assert finding.safe == migrate.hint
    report = text([finding], 1)
    assert "m.sql:2:1: error [migrate-refuses] this DO block commits or rolls back" in report
    assert "pgshift:allow" not in report  # migrate refuses it whatever the comments say


def test_create_index_concurrently_in_a_transaction_is_said_once() -> None:
    migrate = _migrate_says(CONCURRENTLY)
    assert migrate.line == 3
    # the rule that documents it speaks; the engine does not say it a second time
    assert _errors(_lint(CONCURRENTLY)) == [(3, "concurrently-in-transaction")]


@pytest.mark.parametrize(
    "options",
    [LintOptions(disabled=frozenset({"concurrently-in-transaction"})), None],
    ids=["rule-disabled", "rule-acknowledged"],
)
def test_what_migrate_refuses_cannot_be_silenced(options: LintOptions | None) -> None:
    sql = (
        CONCURRENTLY if options else "-- pgshift:allow concurrently-in-transaction\n" + CONCURRENTLY
    )
    migrate = _migrate_says(sql)
    findings = _lint(sql, options)
    assert _errors(findings) == [(migrate.line, MIGRATE_REFUSES)]
    (finding,) = [f for f in findings if f.rule == MIGRATE_REFUSES]
    assert finding.safe == migrate.hint


def test_a_rule_relevelled_below_error_leaves_the_refusal_to_the_engine() -> None:
    options = LintOptions(levels={"transaction-control-in-file": Severity.WARNING})
    findings = _lint("BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n", options)
    assert _errors(findings) == [(1, MIGRATE_REFUSES), (3, MIGRATE_REFUSES)]
    assert [f.line for f in findings if f.rule == "transaction-control-in-file"] == [1, 3]


def test_a_no_transaction_file_that_migrate_runs_gets_no_such_finding() -> None:
    sql = (
        "-- pgshift:no-transaction\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_plan_idx ON users (plan);\n"
        + DO_COMMIT.replace("ALTER TABLE users ADD COLUMN plan text;\n", "")
    )
    migration = sql_file(Path("m.sql"), sql)
    assert migration.up is not None
    check_runnable(split(migration.up), migration.directives.transaction, migration.up)  # runs
    findings = _lint(sql)
    assert _errors(findings) == []
    assert MIGRATE_REFUSES not in {f.rule for f in findings}


def test_every_refusal_of_the_file_is_flagged_at_its_own_statement() -> None:
    # migrate names the first; lint names each, even two on one line
    sql = "SELECT 1; BEGIN;\nSELECT 2;\nSAVEPOINT a; COMMIT;\nVACUUM users;\n"
    assert _migrate_says(sql).line == 1
    options = LintOptions(disabled=frozenset({"transaction-control-in-file"}))
    refusals = [f for f in _lint(sql, options) if f.rule == MIGRATE_REFUSES]
    assert [(f.line, f.statement) for f in refusals] == [
        (1, "BEGIN"),
        (3, "SAVEPOINT a"),
        (3, "COMMIT"),
    ]
    # VACUUM: said by concurrently-in-transaction, not twice
    assert _errors(_lint(sql, options))[-1] == (4, "concurrently-in-transaction")


def test_analyze_alone_runs_in_a_transaction_and_is_not_flagged() -> None:
    sql = "ALTER TABLE users ADD COLUMN plan text;\nANALYZE users;\n"
    migration = sql_file(Path("m.sql"), sql)
    assert migration.up is not None
    check_runnable(split(migration.up), migration.directives.transaction, migration.up)
    assert _errors(_lint(sql)) == []


def test_acknowledging_a_refusal_is_an_error_that_says_why() -> None:
    with pytest.raises(ConfigError) as refused:
        _lint("-- pgshift:allow migrate-refuses\n" + DO_COMMIT)
    assert refused.value.message.startswith("m.sql:1: -- pgshift:allow: migrate-refuses is a")
    assert "cannot be acknowledged" in refused.value.message
    assert "whatever the comments say" in refused.value.hint
