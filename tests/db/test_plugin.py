"""The pytest plugin, run as users run it: a real pytest session on a small project."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_migrations

pytest_plugins = ["pytester"]

USERS = (
    "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n"
    "-- pgshift:down\nDROP TABLE users;\n"
)
SPLIT = (
    "ALTER TABLE users ADD COLUMN first text, ADD COLUMN last text;\n"
    "-- a small table: one statement is fine\n"
    "-- pgshift:allow unbounded-dml\n"
    "UPDATE users SET first = split_part(name, ' ', 1), last = split_part(name, ' ', 2);\n"
    "-- pgshift:down\nALTER TABLE users DROP COLUMN first, DROP COLUMN last;\n"
)

TESTS = """
import psycopg
import pytest
import pgshift


def test_a_fresh_migrated_database(pgshift_db, pgshift_conn):
    pgshift_conn.execute("INSERT INTO users (id, name) VALUES (1, 'Ada Lovelace')")
    assert pgshift_conn.execute("SELECT count(*) FROM users").fetchone() == (1,)
    columns = pgshift_conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' "
        "ORDER BY ordinal_position"
    ).fetchall()
    assert [c[0] for c in columns] == ["id", "name", "first", "last"]


def test_each_test_starts_empty(pgshift_conn):
    assert pgshift_conn.execute("SELECT count(*) FROM users").fetchone() == (0,)


@pytest.mark.pgshift_version("0001")
def test_the_data_migration_splits_names(pgshift_db):
    with psycopg.connect(pgshift_db.url, autocommit=True) as conn:
        conn.execute("INSERT INTO users (id, name) VALUES (1, 'Ada Lovelace')")
    pgshift.migrate(pgshift_db.url, directory="migrations", to="0002")
    with psycopg.connect(pgshift_db.url) as conn:
        row = conn.execute("SELECT first, last FROM users").fetchone()
    assert row == ("Ada", "Lovelace")


@pytest.mark.parametrize("n", range(3))
def test_rolled_back_transactions(pgshift_tx, n):
    pgshift_tx.execute("INSERT INTO users (id, name) VALUES (%s, 'tx')", (n,))
    assert pgshift_tx.execute("SELECT count(*) FROM users").fetchone() == (1,)


@pytest.mark.parametrize("n", range(6))
def test_many_clones(pgshift_conn, n):
    pgshift_conn.execute("INSERT INTO users (id, name) VALUES (%s, 'x')", (n,))
    assert pgshift_conn.execute("SELECT count(*) FROM users").fetchone() == (1,)
"""


@pytest.fixture
def project(pytester: pytest.Pytester, server_url: str) -> Iterator[pytest.Pytester]:
    pytester.makefile(".toml", pgshift='migrations = "migrations"\n')
    migrations = pytester.mkdir("migrations")
    (migrations / "0001_users.sql").write_text(USERS)
    (migrations / "0002_split_names.sql").write_text(SPLIT)
    pytester.makepyfile(test_app=TESTS)
    yield pytester
    # the templates this project's runs built (a user's stay for the next run)
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, 'pgshift_tpl_') "
            "AND shobj_description(oid, 'pg_database') = %s",
            (f"pgshift test template of {migrations.resolve()}",),
        ).fetchall()
        for (name,) in rows:
            target = sql.Identifier(str(name))
            conn.execute(sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false").format(target))
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(target))


def test_the_fixtures_and_the_version_marker(project: pytest.Pytester, server_url: str) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "--pgshift-url", server_url)
    result.assert_outcomes(passed=12)


def test_under_xdist_two_workers_share_one_template(
    project: pytest.Pytester, server_url: str
) -> None:
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--pgshift-url", server_url
    )
    result.assert_outcomes(passed=12)
    import psycopg

    with psycopg.connect(server_url) as conn:
        clones = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgshift_test_%'"
        ).fetchone()
    assert clones == (0,)  # every clone dropped


def test_an_edited_migration_makes_a_new_template(
    project: pytest.Pytester, server_url: str
) -> None:
    assert (
        project.runpytest_subprocess(
            "-p", "no:cacheprovider", "--pgshift-url", server_url, "-k", "fresh"
        ).ret
        == 0
    )
    (project.path / "migrations" / "0002_split_names.sql").write_text(
        SPLIT.replace("ADD COLUMN last text", "ADD COLUMN last text, ADD COLUMN nick text")
    )
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pgshift-url", server_url, "-k", "fresh"
    )
    result.assert_outcomes(failed=1)  # the new column is there: the template was rebuilt
    assert "nick" in result.stdout.str()


def test_stairway_helper(project: pytest.Pytester, server_url: str) -> None:
    project.makepyfile(
        test_stairway="""
import pgshift.testing


def test_stairway(pgshift_settings):
    steps = pgshift.testing.stairway(pgshift_settings, pgshift_settings.database_url)
    assert [s.migration for s in steps] == ["0001_users.sql", "0002_split_names.sql"]
"""
    )
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pgshift-url", server_url, "test_stairway.py"
    )
    result.assert_outcomes(passed=1)


def test_ensure_waits_for_the_schema_and_never_migrates(db_url: str, tmp_path: Path) -> None:
    import pgshift
    from pgshift.errors import HistoryError

    folder = write_migrations(
        tmp_path / "migrations", {"0001_users.sql": USERS, "0002_split_names.sql": SPLIT}
    )
    with pytest.raises(HistoryError) as behind:
        pgshift.ensure(db_url, directory=folder)
    assert "2 migrations are not applied (0001_users.sql" in behind.value.message
    pgshift.migrate(db_url, directory=folder, to="0001")
    assert pgshift.ensure(db_url, directory=folder, version="0001").status.current == "1"
    with pytest.raises(HistoryError):
        pgshift.ensure(db_url, directory=folder, wait=0.5)  # 0002 is still pending
    # another process migrates a moment later: the waiting replica goes on then
    later = threading.Timer(1.0, pgshift.migrate, args=(db_url,), kwargs={"directory": folder})
    later.start()
    started = time.monotonic()
    result = pgshift.ensure(db_url, directory=folder, wait=20)
    later.join()
    assert result.status.up_to_date
    assert 0.9 < time.monotonic() - started < 10


def test_the_startup_example_waits_or_migrates(db_url: str) -> None:
    import importlib.util

    from pgshift.errors import HistoryError
    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("startup_app", ROOT / "examples/startup/app.py")
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    # a replica that must not migrate refuses to start on an unmigrated database
    with pytest.raises(HistoryError):
        example.create_app(db_url, wait=0.3)
    # the migrating one starts, and answers ready with the schema's version
    app = example.create_app(db_url, migrate=True)
    seen: list[str] = []
    body = b"".join(app({"PATH_INFO": "/ready"}, lambda status, headers: seen.append(status)))
    assert seen == ["200 OK"]
    assert b'"schema": "8"' in body
    # and now a waiting replica starts at once
    assert example.create_app(db_url, wait=0) is not None
