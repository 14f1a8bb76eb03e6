"""The runner's finer points: timeouts, session state, dry runs, schemas, Python migrations."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from pgshift import MigrationError, down, migrate, status
from pgshift.config import load_settings
from pgshift.migrations.locking import lock_key
from tests.conftest import query, write_migrations


def test_lock_timeout_directive_stops_a_migration_stuck_behind_a_lock(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGSHIFT_LOCK_RETRIES", "2")
    query(db_url, "CREATE TABLE busy (id int)")
    folder = write_migrations(
        tmp_path / "m",
        {"0001_add.sql": "-- pgshift:lock-timeout 200ms\nALTER TABLE busy ADD COLUMN note text;\n"},
    )
    with psycopg.connect(db_url) as blocker:
        blocker.execute("LOCK TABLE busy IN ACCESS SHARE MODE")
        started = time.monotonic()
        with pytest.raises(MigrationError) as failure:
            migrate(db_url, directory=folder)
        assert time.monotonic() - started < 5
    assert failure.value.sqlstate == "55P03"
    assert "0001_add.sql:2" in failure.value.message
    assert "Gave up after 2 attempts" in failure.value.message
    assert "lock" in failure.value.hint
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


def test_statement_timeout_directive(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"0001_slow.sql": "-- pgshift:statement-timeout 200ms\nSELECT pg_sleep(5);\n"},
    )
    started = time.monotonic()
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert time.monotonic() - started < 4
    assert failure.value.sqlstate == "57014"


def test_session_settings_of_one_migration_do_not_leak_into_the_next(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_other.sql": "CREATE SCHEMA other;\nSET search_path = other;\n"
            "CREATE TABLE a (id int);\n",
            "0002_plain.sql": "CREATE TABLE b (id int);\n",
        },
    )
    migrate(db_url, directory=folder)
    assert query(db_url, "SELECT to_regclass('other.a') IS NOT NULL") == [(True,)]
    assert query(db_url, "SELECT to_regclass('public.b') IS NOT NULL") == [(True,)]


def test_dry_run_prints_the_sql_in_order_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n",
            "0002_b.sql": "-- pgshift:lock-timeout 3s\nCREATE TABLE b (id int);\n",
        },
    )
    result = migrate(db_url, directory=folder, dry_run=True)
    script = result.script or ""
    assert script.index("CREATE TABLE a") < script.index("CREATE TABLE b")
    assert "SET LOCAL lock_timeout = '3000ms'" in script
    assert script.count('INSERT INTO "pgshift".history') == 2
    assert query(db_url, "SELECT to_regnamespace('pgshift')") == [(None,)]
    assert query(db_url, "SELECT to_regclass('public.a')") == [(None,)]


def test_two_projects_with_their_own_schemas_do_not_share_a_lock(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    with psycopg.connect(db_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (lock_key("pgshift"),))
        settings = load_settings(
            {"database_url": db_url, "migrations": str(folder), "schema": "app_two"}, env={}
        )
        result = migrate(settings=settings)
    assert [r.migration.version for r in result.applied] == ["1"]
    assert query(db_url, "SELECT version FROM app_two.history") == [("1",)]


def test_a_deferred_constraint_failing_at_commit_leaves_nothing(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_deferred.sql": "CREATE TABLE p (id int PRIMARY KEY);\n"
            "CREATE TABLE c (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);\n"
            "INSERT INTO c VALUES (42);\n",
        },
    )
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert failure.value.sqlstate == "23503"
    assert query(db_url, "SELECT to_regclass('public.p')") == [(None,)]
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


def test_python_migrations_run_in_the_transaction_and_go_down(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_table.sql": "CREATE TABLE users (id int, name text);\n"
            "-- pgshift:down\nDROP TABLE users;\n",
            "0002_seed.py": '"""Insert two users."""\n\n\n'
            "def up(conn):\n"
            "    conn.execute(\"INSERT INTO users VALUES (1, 'a'), (2, 'b')\")\n\n\n"
            "def down(conn):\n"
            '    conn.execute("DELETE FROM users")\n',
            "0003_broken.py": "def up(conn):\n"
            "    conn.execute(\"INSERT INTO users VALUES (3, 'c')\")\n"
            '    raise RuntimeError("boom")\n',
        },
    )
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert "0003_broken.py:3" in failure.value.message
    assert "boom" in failure.value.message
    assert query(db_url, "SELECT id FROM users ORDER BY id") == [(1,), (2,)]
    (folder / "0003_broken.py").unlink()
    assert status(db_url, directory=folder).status.up_to_date
    reverted = down(db_url, directory=folder, steps=1)
    assert [r.migration.name for r in reverted.reverted] == ["0002_seed.py"]
    assert query(db_url, "SELECT count(*) FROM users") == [(0,)]


def test_migrate_to_a_version_stops_there_and_repeatables_wait(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n",
            "0002_b.sql": "CREATE TABLE b (id int);\n",
            "0003_c.sql": "CREATE TABLE c (id int);\n",
            "R__view.sql": "CREATE OR REPLACE VIEW v AS SELECT id FROM a;\n",
        },
    )
    result = migrate(db_url, directory=folder, to="2")
    assert [r.migration.version for r in result.applied] == ["1", "2"]
    assert query(db_url, "SELECT to_regclass('public.v')") == [(None,)]
    result = migrate(db_url, directory=folder)
    assert [r.migration.name for r in result.applied] == ["0003_c.sql", "R__view.sql"]


def test_many_migrations_in_one_run_are_all_durable_and_recorded(
    db_url: str, tmp_path: Path
) -> None:
    files = {f"{v:04d}_t{v}.sql": f"CREATE TABLE t{v} (id int);\n" for v in range(1, 41)}
    folder = write_migrations(tmp_path / "m", files)
    events: list[str] = []
    result = migrate(db_url, directory=folder, on_event=lambda e: events.append(e.kind))
    assert len(result.applied) == 40
    assert events.count("done") == 40
    rows = query(db_url, "SELECT count(*), count(DISTINCT version) FROM pgshift.history")
    assert rows == [(40, 40)]
    log = query(db_url, "SELECT count(*) FROM pgshift.log WHERE action = 'apply'")
    assert log == [(40,)]


def test_a_run_with_nothing_to_do_does_not_queue_for_the_lock(db_url: str, tmp_path: Path) -> None:
    # the replicas of an application all call migrate at start-up: once the schema is
    # there, none of them waits behind another's lock, or takes it
    from pgshift import LockTimeout

    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    migrate(db_url, directory=folder)
    settings = load_settings(
        {"database_url": db_url, "migrations": str(folder), "lock_wait": "1s"}, env={}
    )
    events: list[str] = []
    with psycopg.connect(db_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("pgshift"),))
        started = time.monotonic()
        result = migrate(settings=settings, on_event=lambda e: events.append(e.kind))
        assert time.monotonic() - started < 1.0
        assert result.applied == ()
        assert "wait" not in events
        # work to do still goes through the lock, and waits for it
        (folder / "0002_b.sql").write_text("CREATE TABLE b (id int);\n")
        with pytest.raises(LockTimeout):
            migrate(settings=settings, on_event=lambda e: events.append(e.kind))
        assert "wait" in events
    assert query(db_url, "SELECT version FROM pgshift.history ORDER BY id") == [("1",)]


def test_an_edited_file_is_refused_as_before_when_nothing_is_pending(
    db_url: str, tmp_path: Path
) -> None:
    from pgshift import HistoryError

    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    migrate(db_url, directory=folder)
    (folder / "0001_a.sql").write_text("CREATE TABLE a (id bigint);\n")
    with pytest.raises(HistoryError) as refused:
        migrate(db_url, directory=folder)
    assert "0001_a.sql" in refused.value.message
