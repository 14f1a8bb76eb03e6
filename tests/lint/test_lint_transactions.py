"""What may run in a transaction block, as lint and migrate read it (they agree), and what
a no-transaction migration does when it runs again."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgshift.errors import SqlError
from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.model import MIGRATE_REFUSES, Finding, Severity
from pgshift.migrations.discovery import sql_file
from pgshift.migrations.statements import check_runnable, split
from tests.conftest import query, run_cli, tables, write_migrations

PROCEDURE = (
    "CREATE TABLE t (c int);\n"
    "CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$\n"
    "BEGIN\n  UPDATE t SET c = 1 WHERE c IS NULL;\n  COMMIT;\nEND\n$$;\n"
    "CALL backfill();\n"
)


def _refused(sql: str) -> SqlError | None:
    """What migrate says of the file before running it (None: it runs it)."""
    migration = sql_file(Path("m.sql"), sql)
    assert migration.up is not None
    try:
        check_runnable(split(migration.up), migration.directives.transaction, migration.up)
    except SqlError as exc:
        return exc
    return None


def _errors(sql: str) -> list[tuple[int, str]]:
    findings: list[Finding] = lint_migration(sql_file(Path("m.sql"), sql), LintOptions())
    return [(f.line, f.rule) for f in findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize(
    "option",
    ["CONCURRENTLY false", "CONCURRENTLY off", "CONCURRENTLY 0", "CONCURRENTLY 'False'",
     "CONCURRENTLY true, CONCURRENTLY false", "VERBOSE, CONCURRENTLY FALSE"],
)  # fmt: skip
def test_reindex_concurrently_false_runs_in_a_transaction(option: str) -> None:
    sql = f"REINDEX ({option}) INDEX i;\n"
    assert _refused(sql) is None
    assert _errors(sql) == []


@pytest.mark.parametrize(
    "sql",
    [
        "REINDEX (CONCURRENTLY) INDEX i;\n",
        "REINDEX (CONCURRENTLY on) INDEX i;\n",
        "REINDEX (CONCURRENTLY 1) INDEX i;\n",
        "REINDEX (CONCURRENTLY TRUE) INDEX i;\n",
        "REINDEX (CONCURRENTLY false) INDEX CONCURRENTLY i;\n",
        "REINDEX SCHEMA public;\n",
        "REINDEX DATABASE app;\n",
        "CLUSTER;\n",
        "VACUUM (FULL false) t;\n",
        "ALTER DATABASE app SET TABLESPACE fast;\n",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p;\n",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (create_slot);\n",
        "ALTER SUBSCRIPTION s REFRESH PUBLICATION WITH (copy_data = false);\n",
        "ALTER SUBSCRIPTION s SET PUBLICATION p;\n",
        "ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (refresh = on);\n",
        "DROP SUBSCRIPTION s;\n",
    ],
)
def test_what_cannot_run_in_a_transaction_is_refused_and_flagged(sql: str) -> None:
    refused = _refused(sql)
    assert refused is not None
    assert refused.line == 1
    assert _errors(sql) == [(1, "concurrently-in-transaction")]
    assert _refused("-- pgshift:no-transaction\n" + sql) is None


@pytest.mark.parametrize(
    "sql",
    [
        "CLUSTER t USING i;\n",
        "ANALYZE (VERBOSE false) t;\n",
        "ALTER DATABASE app WITH CONNECTION LIMIT 5;\n",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (connect = false);\n",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (create_slot = off);\n",
        "ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false);\n",
        "ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (refresh = off);\n",
        "ALTER SUBSCRIPTION s DISABLE;\nALTER SUBSCRIPTION s SET (slot_name = NONE);\n"
        "DROP SUBSCRIPTION s;\n",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p\n"
        "  WITH (connect = false, slot_name = NONE);\nDROP SUBSCRIPTION s;\n",
    ],
)
def test_what_runs_in_a_transaction_is_neither_refused_nor_flagged(sql: str) -> None:
    assert _refused(sql) is None
    assert _errors(sql) == []


def test_a_slot_named_again_makes_drop_subscription_refused_again() -> None:
    sql = (
        "ALTER SUBSCRIPTION s SET (slot_name = NONE);\n"
        "ALTER SUBSCRIPTION s SET (slot_name = 's');\n"
        "DROP SUBSCRIPTION s;\n"
    )
    assert _errors(sql) == [(3, "concurrently-in-transaction")]


def test_a_do_block_that_mentions_commit_without_committing_is_not_refused() -> None:
    sql = (
        "DO $$\nBEGIN\n  -- no COMMIT here\n  RAISE NOTICE 'commit or rollback';\nEND\n$$;\n"
        "DO LANGUAGE plpython3u $$ plpy.notice('commit') $$;\n"
    )
    assert _refused(sql) is None
    assert _errors(sql) == []


def test_a_call_of_a_procedure_of_the_file_that_commits_is_refused() -> None:
    refused = _refused(PROCEDURE)
    assert refused is not None
    assert refused.line == 8
    assert "this CALL runs a procedure of this file that commits" in refused.message
    assert "2D000" in refused.message
    assert _errors(PROCEDURE) == [(8, MIGRATE_REFUSES)]
    assert _refused("-- pgshift:no-transaction\n" + PROCEDURE) is None


def test_a_call_of_a_procedure_the_file_does_not_create_is_not_guessed() -> None:
    sql = "CALL backfill();\nCALL other.backfill();\n"
    assert _refused(sql) is None
    assert _errors(sql) == []


def test_a_procedure_called_through_another_is_followed_once() -> None:
    sql = (
        "CREATE PROCEDURE a() LANGUAGE plpgsql AS $$ BEGIN CALL b(); END $$;\n"
        "CREATE PROCEDURE b() LANGUAGE plpgsql AS $$ BEGIN CALL a(); COMMIT; END $$;\n"
        "CALL a();\n"
    )
    refused = _refused(sql)
    assert refused is not None
    assert refused.line == 3


@pytest.mark.parametrize(
    ("sql", "line"),
    [
        (
            "-- pgshift:no-transaction\nDO $$\nBEGIN\n  BEGIN\n    COMMIT;\n"
            "  EXCEPTION WHEN others THEN RAISE;\n  END;\nEND\n$$;\n",
            5,
        ),
        (
            "-- pgshift:no-transaction\n"
            "CREATE PROCEDURE p() LANGUAGE plpgsql SET search_path = public AS $$\n"
            "BEGIN COMMIT; END $$;\nCALL p();\n",
            4,
        ),
        (
            "-- pgshift:no-transaction\n"
            "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN ROLLBACK; END $$;\n"
            "DO $$ BEGIN BEGIN CALL p(); EXCEPTION WHEN others THEN NULL; END; END $$;\n",
            3,
        ),
    ],
    ids=["commit-in-exception-block", "set-clause", "call-in-exception-block"],
)
def test_transaction_control_that_always_fails_is_an_error(sql: str, line: int) -> None:
    assert _errors(sql) == [(line, "transaction-control-in-file")]
    # in a transactional file: said once, with migrate's refusal in the same words
    transactional = sql.replace("-- pgshift:no-transaction\n", "")
    findings = lint_migration(sql_file(Path("m.sql"), transactional), LintOptions())
    (finding,) = [f for f in findings if f.severity is Severity.ERROR]
    assert finding.rule == "transaction-control-in-file"
    assert "pgshift migrate refuses the file" in finding.message
    assert "-- pgshift:no-transaction" in finding.safe


def test_migrate_runs_a_committing_procedure_of_a_no_transaction_file(
    db_url: str, tmp_path: Path
) -> None:
    # before: pgshift ran the CALL inside the transaction of its journal row (2D000)
    folder = write_migrations(
        tmp_path / "migrations", {"0001_backfill.sql": "-- pgshift:no-transaction\n" + PROCEDURE}
    )
    result = run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "t" in tables(db_url)


def test_migrate_runs_a_do_block_that_only_mentions_commit(db_url: str, tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE t (c int);\n"
        "DO $$\nBEGIN\n  -- do not COMMIT here: the migration commits\n"
        "  INSERT INTO t VALUES (1);\nEND\n$$;\n"
    )
    folder = write_migrations(tmp_path / "migrations", {"0001_fill.sql": sql})
    result = run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT c FROM t") == [(1,)]


def test_an_unnamed_concurrent_index_run_again_is_built_twice(db_url: str) -> None:
    sql = "-- pgshift:no-transaction\nCREATE INDEX CONCURRENTLY ON t (c);\n"
    (finding,) = [
        f
        for f in lint_migration(sql_file(Path("m.sql"), sql), LintOptions())
        if f.rule == "non-idempotent-in-non-transactional"
    ]
    assert "t_c_idx1 beside t_c_idx" in finding.message
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx" in finding.safe
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (c int)")
        for _ in range(2):
            conn.execute("CREATE INDEX CONCURRENTLY ON t (c)")
        names = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1"
        ).fetchall()
    assert names == [("t_c_idx",), ("t_c_idx1",)]
