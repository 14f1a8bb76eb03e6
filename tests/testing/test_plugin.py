"""The pytest plugin, run as users run it: a real pytest session on a small project."""

from __future__ import annotations

import re
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
    assert pgshift_db.url.startswith("postgresql://")
    assert pgshift_db.url.split("?")[0].endswith("/" + pgshift_db.name)
    assert pgshift_conn.info.dbname == pgshift_db.name
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
    # a template is named by the files' checksum: tests running at once each get their
    # own, so one test's clean-up never drops the template another is cloning
    (migrations / "0001_users.sql").write_text(f"-- {pytester.path.name}\n{USERS}")
    (migrations / "0002_split_names.sql").write_text(SPLIT)
    pytester.makepyfile(test_app=TESTS)
    yield pytester
    _drop_templates(server_url, migrations)


def _drop_templates(server_url: str, migrations: Path) -> None:
    """The templates a project's runs built (a user's stay for the next run)."""
    import psycopg
    from psycopg import sql

    from pgshift.db.scratch import drop_database

    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, 'pgshift_tpl_') "
            "AND shobj_description(oid, 'pg_database') = %s",
            (f"pgshift test template of {migrations.resolve()}",),
        ).fetchall()
        for (name,) in rows:
            target = sql.Identifier(str(name))
            conn.execute(sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false").format(target))
            drop_database(conn, str(name))


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

    from pgshift.testing.templates import _POOL_LOCKS, CLONE_PREFIX

    # every clone dropped: a clone left behind is one whose pool's lock nobody holds (the
    # clones of plugin tests running beside this one belong to pools that hold theirs)
    with psycopg.connect(server_url) as conn:
        clones = conn.execute(
            "SELECT count(*) FROM pg_database AS d WHERE datname ~ %s AND NOT EXISTS ("
            " SELECT FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.objsubid = 2"
            " AND l.classid = %s::oid AND l.objid::text = split_part(d.datname, '_', 3))",
            (f"^{CLONE_PREFIX}[0-9]+_[0-9a-f]+$", _POOL_LOCKS),
        ).fetchone()
    assert clones == (0,)


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


def test_stairway(pgshift_settings, pgshift_server):
    steps = pgshift.testing.stairway(pgshift_settings, pgshift_server)
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


@pytest.mark.usefixtures("example_server")
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


KILLED = """
import os
import signal


def test_dies_holding_its_database(pgshift_db):
    print("CLONE", pgshift_db.name, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _clones_of(server_url: str, key: str) -> list[str]:
    import psycopg

    with psycopg.connect(server_url) as conn:
        pattern = f"pgshift\\_test\\_{key}\\_%"
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (pattern,)
        ).fetchall()
    return [str(row[0]) for row in rows]


def test_a_killed_session_leaves_no_clones_behind(
    project: pytest.Pytester, server_url: str
) -> None:
    project.makepyfile(test_killed=KILLED)
    killed = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-s", "--pgshift-url", server_url, "test_killed.py"
    )
    assert killed.ret != 0
    found = re.search(r"CLONE pgshift_test_(\d+)_", killed.stdout.str())
    assert found, killed.stdout.str()
    key = found[1]  # pgshift_test_<pool key>_<n>
    # the next session finds the dead pool's clones (its lock is free) and drops them
    again = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pgshift-url", server_url, "-k", "fresh"
    )
    again.assert_outcomes(passed=1)
    assert _clones_of(server_url, key) == []


def test_the_pool_keeps_clones_of_live_pools_and_drops_its_own(
    db_url: str, server_url: str, tmp_path: Path
) -> None:
    from pgshift.config import load_settings
    from pgshift.testing import ClonePool, ensure_template

    write_migrations(tmp_path / "migrations", {"0001_users.sql": USERS})
    settings = load_settings({"database_url": server_url}, cwd=tmp_path, env={})
    template = ensure_template(settings, server_url)
    first = ClonePool(server_url, template, ahead=2)
    try:
        held = first.take()
        key = held.name.split("_")[2]
        second = ClonePool(server_url, template, ahead=2)  # cleans only orphans
        taken = [second.take() for _ in range(5)]
        assert len({db.name for db in taken}) == 5
        for db in taken:
            second.give_back(db)
        other = taken[0].name.split("_")[2]
        second.close()
        assert _clones_of(server_url, other) == []  # used and ready ones dropped
        assert held.name in _clones_of(server_url, key)  # the live pool's, untouched
    finally:
        first.give_back(held)
        first.close()
        _drop_templates(server_url, tmp_path / "migrations")
    assert _clones_of(server_url, key) == []


def test_the_test_server_lives_in_memory_and_is_only_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from pgshift.db import testserver as testing

    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(testing, "_MEMORY", memory)
    monkeypatch.setattr(testing, "_MEMORY_ROOM", 0)
    state = tmp_path / "project" / ".pgshift"
    assert testing.disposable_dir(state, create=False) == state / "pgtest"
    chosen = testing.disposable_dir(state)
    assert chosen.parent.parent == memory
    assert chosen.parent.stat().st_mode & 0o777 == 0o700
    assert testing.disposable_dir(state, create=False) == chosen
    # a project elsewhere gets a folder of its own
    assert testing.disposable_dir(tmp_path / "other" / ".pgshift") != chosen
    monkeypatch.setattr(testing, "_MEMORY_ROOM", 1 << 62)  # no room: on disk
    assert testing.disposable_dir(tmp_path / "third" / ".pgshift") == (
        tmp_path / "third" / ".pgshift" / "pgtest"
    )
    if os.geteuid() == 0:  # a folder of that name made by someone else is not used
        os.chown(chosen.parent, 65534, 65534)
        assert testing.disposable_dir(state) == state / "pgtest"
        os.chown(chosen.parent, 0, 0)
    # a test server already on disk stays there
    (state / "pgtest").mkdir(parents=True)
    assert testing.disposable_dir(state) == state / "pgtest"


NO_URL = """
import pytest


@pytest.mark.parametrize("n", range(4))
def test_on_the_test_server(pgshift_conn, n):
    assert pgshift_conn.execute("SHOW fsync").fetchone() == ("off",)
    assert pgshift_conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
"""


def test_with_no_url_the_plugin_runs_its_own_test_server(pytester: pytest.Pytester) -> None:
    import os

    from tests.conftest import cli_env, run_cli

    pytester.path.chmod(0o755)
    pytester.makefile(".toml", pgshift='migrations = "migrations"\n')
    write_migrations(pytester.path / "migrations", {"0001_users.sql": USERS})
    pytester.makepyfile(test_no_url=NO_URL)
    env = cli_env()  # no database variable at all
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in set(os.environ) - set(env):
                patch.delenv(name)
            # two workers start (or find) the one test server at once
            result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", timeout=300)
        result.assert_outcomes(passed=4)
        status = run_cli("embedded", "status", cwd=pytester.path, env=env)
        tests_line = next(x for x in status.stdout.splitlines() if x.startswith("tests:"))
        assert "running, postgresql://postgres@127.0.0.1:" in tests_line
        # the project's own embedded server was never made
        assert not (pytester.path / ".pgshift" / "pgdata").exists()
    finally:
        stopped = run_cli("embedded", "stop", cwd=pytester.path, env=env)
    assert "stopped the test server in" in stopped.stdout
    status = run_cli("embedded", "status", cwd=pytester.path, env=env)
    assert "tests:" not in status.stdout


@pytest.mark.usefixtures("example_server")
def test_the_example_projects_migration_tests_pass(
    pytester: pytest.Pytester, server_url: str
) -> None:
    import shutil

    from tests.conftest import ROOT

    for part in ("pgshift.toml", "migrations", "tests"):
        source = ROOT / "examples" / "saas" / part
        if source.is_dir():
            shutil.copytree(source, pytester.path / part)
        else:
            shutil.copy(source, pytester.path / part)
    try:
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--pgshift-url", server_url, "tests"
        )
        result.assert_outcomes(passed=4)
    finally:
        _drop_templates(server_url, pytester.path / "migrations")


def test_an_unreachable_server_is_one_paragraph(project: pytest.Pytester) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = project.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--pgshift-url",
        f"postgresql://app:secret@127.0.0.1:{port}/postgres",
        "-k",
        "fresh",
    )
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert f"pgshift: cannot connect to app@127.0.0.1:{port}" in out
    assert "Traceback" not in out
    assert "The above exception" not in out
    assert "secret" not in out  # the password is never shown


def test_a_broken_migration_names_its_file_and_line(
    project: pytest.Pytester, server_url: str
) -> None:
    (project.path / "migrations" / "0003_broken.sql").write_text(
        "ALTER TABLE users ADD COLUMN age int;\nALTER TABLE nobody ADD COLUMN x int;\n"
    )
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pgshift-url", server_url, "-k", "fresh or empty"
    )
    result.assert_outcomes(errors=2)
    out = result.stdout.str()
    assert "0003_broken.sql:2" in out
    assert 'relation "nobody" does not exist' in out
    assert "Traceback" not in out
    assert "The above exception" not in out  # one paragraph, no chain


@pytest.mark.parametrize("built_before", [False, True], ids=["no-template", "template-built"])
def test_a_role_that_may_not_create_databases_is_told_so(
    project: pytest.Pytester, server_url: str, built_before: bool
) -> None:
    """Refused at the template's CREATE DATABASE, or (the template built by a
    role that may) at the clone: the same paragraph either way."""
    import uuid

    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    role = f"pgshift_nocreate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(sql.Identifier(role)))
    try:
        if built_before:
            first = project.runpytest_subprocess(
                "-p", "no:cacheprovider", "--pgshift-url", server_url, "-k", "fresh"
            )
            first.assert_outcomes(passed=1)
        result = project.runpytest_subprocess(
            "-p",
            "no:cacheprovider",
            "--pgshift-url",
            make_conninfo(server_url, user=role),
            "-k",
            "fresh",
        )
        result.assert_outcomes(errors=1)
        out = result.stdout.str()
        assert "the role may not create databases" in out
        assert "CREATEDB" in out
        assert "Traceback" not in out
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_bad_configuration_is_one_paragraph(project: pytest.Pytester, server_url: str) -> None:
    (project.path / "pgshift.toml").write_text('migrations = "migrations"\nlock_wiat = "5s"\n')
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pgshift-url", server_url, "-k", "fresh"
    )
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "pgshift.toml: unknown key 'lock_wiat'" in out
    assert "Traceback" not in out


def test_the_stairway_names_the_migration_that_does_not_step_back(
    server_url: str, tmp_path: Path
) -> None:
    import pgshift.testing
    from pgshift.config import load_settings
    from pgshift.errors import PgshiftError

    leaky = (
        "CREATE TABLE posts (id bigint PRIMARY KEY);\nCREATE TABLE tags (id int);\n"
        "-- pgshift:down\nDROP TABLE posts;\n"
    )
    write_migrations(tmp_path / "migrations", {"0001_users.sql": USERS, "0002_posts.sql": leaky})
    settings = load_settings({}, cwd=tmp_path, env={})
    with pytest.raises(PgshiftError) as failed:
        pgshift.testing.stairway(settings, server_url)
    assert "0002_posts.sql: the down part does not undo the up part" in failed.value.message
    assert "tags" in failed.value.message
    (tmp_path / "migrations" / "0002_posts.sql").write_text("CREATE TABLE posts (id int);\n")
    with pytest.raises(PgshiftError) as no_down:
        pgshift.testing.stairway(settings, server_url)
    assert "0002_posts.sql: no down part" in no_down.value.message
