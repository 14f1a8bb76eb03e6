"""Errors that say what really happened: another migration under an applied version,
a migration that exits, a concurrent build killed at the first statement, missing
privileges, read-only databases, SET ROLE, and downs that would drop pgshift's tables."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from pgshift.migrations.runner import CRASH_AFTER_ENV
from tests.conftest import cli_env, default_sigint, query, run_cli, tables, write_migrations


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """One paragraph on stderr, exit 2, no traceback, never "a bug in pgshift"."""
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text
    assert "bug in pgshift" not in text
    stderr = "".join(
        line for line in result.stderr.splitlines(keepends=True) if not line.startswith("pgshift:")
    )
    assert stderr.startswith("error: "), result.stderr
    assert "\nhint: " in stderr
    for word in words:
        assert word in stderr, (word, stderr)
    return stderr


# -- another migration under an applied version ----------------------------------------


def test_another_migration_under_an_applied_version_is_not_an_edit(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_users.sql": "CREATE TABLE users (id int);\n"})
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0001_users.sql").unlink()
    (folder / "0001_orders.sql").write_text("CREATE TABLE orders (id int);\n")
    recorded = query(db_url, "SELECT slug, checksum FROM pgshift.history")

    state = run_cli("status", "--dir", str(folder), url=db_url)
    assert state.returncode == 1
    assert "version-taken" in state.stdout
    assert "changed" not in state.stdout
    assert "history: users" in state.stdout
    listed = json.loads(run_cli("status", "--json", "--dir", str(folder), url=db_url).stdout)
    assert [(m["state"], m["slug"], m["applied_slug"]) for m in listed["migrations"]] == [
        ("version-taken", "orders", "users")
    ]
    assert listed["up_to_date"] is False

    for command in ("migrate", "down"):
        err = _refused(
            run_cli(command, "--dir", str(folder), url=db_url), "0001_orders.sql", "'1 users'"
        )
        assert "edited" not in err
        assert "--accept-renamed" in err
    # a plain repair would record a migration that never ran: refused, nothing recorded
    err = _refused(run_cli("repair", "--yes", "--dir", str(folder), url=db_url), "--accept-renamed")
    assert "0001_orders.sql" in err
    assert query(db_url, "SELECT slug, checksum FROM pgshift.history") == recorded
    assert tables(db_url) == {"users"}

    # the user says it is the same migration, renamed: the new name and checksum are recorded
    renamed = run_cli("repair", "--yes", "--accept-renamed", "--dir", str(folder), url=db_url)
    assert renamed.returncode == 0, renamed.stderr
    assert "1 renamed" in renamed.stdout
    (slug, checksum), *_ = query(db_url, "SELECT slug, checksum FROM pgshift.history")
    assert slug == "orders"
    assert checksum != recorded[0][1]
    logged = query(db_url, "SELECT action, slug, detail FROM pgshift.log ORDER BY id DESC LIMIT 1")
    assert logged == [("rename", "orders", "was users")]
    assert run_cli("status", "--dir", str(folder), url=db_url).returncode == 0


def test_a_renamed_file_with_the_same_content_stays_applied(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_users.sql": "CREATE TABLE users (id int);\n"})
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0001_users.sql").rename(folder / "0001_create_users.sql")
    state = run_cli("status", "--dir", str(folder), url=db_url)
    assert state.returncode == 0, state.stdout  # what ran is exactly this file


# -- a Python migration that exits -------------------------------------------------------

_EXITS = {
    "sys.exit()": "import sys\n\n\ndef up(conn):\n"
    '    conn.execute("CREATE TABLE half (id int)")\n'
    "    sys.exit()\n",
    "sys.exit(3)": "import sys\n\n\ndef up(conn):\n"
    '    conn.execute("CREATE TABLE half (id int)")\n'
    "    sys.exit(3)\n",
    "KeyboardInterrupt": "def up(conn):\n"
    '    conn.execute("CREATE TABLE half (id int)")\n'
    "    raise KeyboardInterrupt\n",
}


@pytest.mark.parametrize("how", sorted(_EXITS))
def test_a_python_migration_that_exits_fails_with_its_line(
    db_url: str, tmp_path: Path, how: str
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"0001_first.sql": "CREATE TABLE first (id int);\n", "0002_exits.py": _EXITS[how]},
    )
    result = run_cli("migrate", "--dir", str(folder), url=db_url)
    line = 6 if how.startswith("sys") else 3
    err = _refused(result, f"0002_exits.py:{line}", how.split("(")[0])
    assert "rolled back" in err
    assert tables(db_url) == {"first"}  # 0001 stays, 0002 left nothing
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]


def test_a_python_migration_that_exits_while_loading(db_url: str, tmp_path: Path) -> None:
    exits = "import sys\n\nsys.exit(0)\n\n\ndef up(conn):\n    pass\n"
    folder = write_migrations(tmp_path / "m", {"0001_exits.py": exits})
    _refused(run_cli("migrate", "--dir", str(folder), url=db_url), "0001_exits.py:3", "sys.exit")
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


def test_a_down_that_exits_reverts_nothing(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_t.py": "import sys\n\n\ndef up(conn):\n"
            '    conn.execute("CREATE TABLE t (id int)")\n\n\n'
            "def down(conn):\n"
            '    conn.execute("DROP TABLE t")\n'
            "    raise KeyboardInterrupt\n",
        },
    )
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    _refused(run_cli("down", "--dir", str(folder), url=db_url), "0001_t.py:10", "KeyboardInterrupt")
    assert tables(db_url) == {"t"}
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]


def test_ctrl_c_during_a_python_migration_still_stops_pgshift(db_url: str, tmp_path: Path) -> None:
    started = tmp_path / "started"
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_slow.py": "import pathlib, time\n\n\ndef up(conn):\n"
            '    conn.execute("CREATE TABLE slow (id int)")\n'
            f"    pathlib.Path({str(started)!r}).touch()\n"
            "    time.sleep(60)\n",
        },
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "pgshift", "migrate", "--dir", str(folder)],
        env=cli_env(db_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    deadline = time.monotonic() + 60
    while not started.exists():
        assert time.monotonic() < deadline, "the migration never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
    assert tables(db_url) == set()
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


# -- a concurrent build that was the first statement of its file ----------------------------

_MIGRATE = "from pgshift.cli import main; main()"


@pytest.mark.slow
def test_killed_at_a_first_concurrent_statement_the_next_run_finishes(
    new_db: Callable[[], str], tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_t.sql": "CREATE TABLE t (id int, x int);\n"
            "INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;\n",
            "0002_build.sql": "-- pgshift:no-transaction\n"
            "CREATE INDEX CONCURRENTLY t_x_idx ON t (x);\n"
            "CREATE UNIQUE INDEX CONCURRENTLY t_id_idx ON t (id);\n",
            "0003_swap.sql": "-- pgshift:no-transaction\n"
            "DROP INDEX CONCURRENTLY t_id_idx;\n"
            "CREATE INDEX CONCURRENTLY t_id_x_idx ON t (id, x);\n",
        },
    )
    crash_at = 1
    while True:
        url = new_db()
        killed = subprocess.run(
            [sys.executable, "-c", _MIGRATE, "migrate", "-q", "--dir", str(folder)],
            env=cli_env(url, **{CRASH_AFTER_ENV: str(crash_at)}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if killed.returncode == 0:
            break  # every point of the run was covered
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        finish = run_cli("migrate", "-q", "--dir", str(folder), url=url)
        assert finish.returncode == 0, f"after a kill at statement {crash_at}: {finish.stderr}"
        assert query(url, "SELECT version FROM pgshift.history ORDER BY id") == [
            ("1",),
            ("2",),
            ("3",),
        ]
        indexes = query(
            url,
            "SELECT c.relname, i.indisvalid FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass "
            "ORDER BY 1",
        )
        assert indexes == [("t_id_x_idx", True), ("t_x_idx", True)], crash_at
        assert query(url, "SELECT count(*) FROM pgshift.journal") == [(0,)]
        crash_at += 1
    assert crash_at > 6


def _wait_for(url: str, text: str, *, seconds: float = 30) -> int:
    """The pid of the backend whose query starts with ``text`` once it waits on a lock."""
    deadline = time.monotonic() + seconds
    while True:
        rows = query(
            url,
            "SELECT pid FROM pg_stat_activity WHERE query LIKE %s AND wait_event_type = 'Lock'",
            (text + "%",),
        )
        if rows:
            return int(str(rows[0][0]))
        assert time.monotonic() < deadline, f"no backend waits in {text}"
        time.sleep(0.05)


def test_a_killed_first_concurrent_build_is_built_again(db_url: str, tmp_path: Path) -> None:
    query(db_url, "CREATE TABLE t (id int, x int)")
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_index.sql": "-- pgshift:no-transaction\n"
            "CREATE INDEX CONCURRENTLY t_x_idx ON t (x);\n"
            "CREATE TABLE after_index (id int);\n",
        },
    )
    with psycopg.connect(db_url) as blocker:
        blocker.execute("INSERT INTO t VALUES (1, 1)")  # the build waits for this transaction
        proc = subprocess.Popen(
            [sys.executable, "-m", "pgshift", "migrate", "--dir", str(folder)],
            env=cli_env(db_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        backend = _wait_for(db_url, "CREATE INDEX CONCURRENTLY t_x_idx")
        proc.kill()  # pgshift dies while its build waits: nobody cleans up after it
        proc.communicate(timeout=30)
        query(db_url, "SELECT pg_cancel_backend(%s)", (backend,))
        deadline = time.monotonic() + 30
        while query(db_url, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (backend,)) != [
            (0,)
        ]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        blocker.rollback()
    assert query(
        db_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x_idx'::regclass"
    ) == [(False,)]
    state = run_cli("status", "--dir", str(folder), url=db_url)
    assert "partial" in state.stdout  # it started and died: the next run knows
    again = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert again.returncode == 0, again.stderr
    assert query(
        db_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x_idx'::regclass"
    ) == [(True,)]
    assert "after_index" in tables(db_url)
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]
    assert query(db_url, "SELECT count(*) FROM pgshift.journal") == [(0,)]


def test_a_first_statement_that_failed_leaves_the_file_free_to_change(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE u (email text); INSERT INTO u VALUES ('a'), ('a')")
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_unique.sql": "-- pgshift:no-transaction\n"
            "CREATE UNIQUE INDEX CONCURRENTLY u_email_key ON u (email);\n"
        },
    )
    _refused(run_cli("migrate", "--dir", str(folder), url=db_url), "0001_unique.sql:2", "23505")
    # nothing of it completed: fixing the file is not editing an applied migration
    (folder / "0001_unique.sql").write_text(
        "-- pgshift:no-transaction\n"
        "DELETE FROM u WHERE ctid <> (SELECT min(ctid) FROM u);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY u_email_key ON u (email);\n"
    )
    fixed = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert fixed.returncode == 0, fixed.stderr
    assert query(db_url, "SELECT count(*) FROM u") == [(1,)]


# -- privileges, read-only databases, SET ROLE ----------------------------------------------


@pytest.fixture
def make_role(server_url: str, db_url: str) -> Iterator[Callable[..., tuple[str, str]]]:
    """Roles of the server for one test: ``(name, URL of the test database as it)``;
    whatever they own or were granted in the test database goes with them afterwards."""
    # Before PostgreSQL 15 every role may create in schema public; these tests are about
    # a role that may not, so the test database takes 15's default (a no-op there).
    query(db_url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    made: list[str] = []

    def make(options: str = "LOGIN") -> tuple[str, str]:
        name = f"pgshift_r_{uuid.uuid4().hex[:10]}"
        query(server_url, f"CREATE ROLE {name} {options}")
        made.append(name)
        return name, make_conninfo(db_url, user=name)

    yield make
    for name in reversed(made):
        query(db_url, f"REASSIGN OWNED BY {name} TO CURRENT_USER; DROP OWNED BY {name}")
        query(server_url, f"DROP ROLE {name}")


def _admin(url: str) -> str:
    return str(query(url, "SELECT current_user")[0][0])


def test_a_role_that_cannot_create_pgshifts_schema(
    db_url: str, tmp_path: Path, make_role: Callable[..., tuple[str, str]]
) -> None:
    app, app_url = make_role()
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE public.a (id int);\n"})
    _refused(
        run_cli("migrate", "--dir", str(folder), url=app_url),
        f"role {app} cannot create pgshift's schema pgshift",
        f"CREATE SCHEMA pgshift AUTHORIZATION {app}",
    )
    # the owner makes the schema for it: pgshift makes its tables there
    query(db_url, f"CREATE SCHEMA pgshift AUTHORIZATION {app}")
    err = _refused(
        run_cli("migrate", "--dir", str(folder), url=app_url),
        "0001_a.sql:1",
        "permission denied for schema public",
        "SQLSTATE 42501",
        f"It ran as role {app}.",
        "GRANT USAGE, CREATE ON SCHEMA",
    )
    assert "Fix the migration" not in err
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]
    query(db_url, f"GRANT CREATE ON SCHEMA public TO {app}")
    done = run_cli("migrate", "--dir", str(folder), url=app_url)
    assert done.returncode == 0, done.stderr
    assert tables(db_url) == {"a"}


def test_a_role_without_rights_on_pgshifts_tables(
    db_url: str, tmp_path: Path, make_role: Callable[..., tuple[str, str]]
) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE public.a (id int);\n"})
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0002_b.sql").write_text("CREATE TABLE public.b (id int);\n")
    app, app_url = make_role()
    query(db_url, f"GRANT CREATE ON SCHEMA public TO {app}")
    _refused(
        run_cli("status", "--dir", str(folder), url=app_url),
        f"role {app} cannot read pgshift's history",
        "USAGE ON SCHEMA pgshift",
        f"GRANT USAGE ON SCHEMA pgshift TO {app}",
    )
    query(db_url, f"GRANT USAGE ON SCHEMA pgshift TO {app}")
    query(db_url, f"GRANT SELECT ON ALL TABLES IN SCHEMA pgshift TO {app}")
    assert run_cli("status", "--dir", str(folder), url=app_url).returncode == 1  # 1 pending
    _refused(
        run_cli("migrate", "--dir", str(folder), url=app_url),
        f"role {app} cannot write pgshift's history",
        "INSERT ON pgshift.history",
        "nothing was run",
    )
    assert tables(db_url) == {"a"}
    query(db_url, f"GRANT INSERT, DELETE ON ALL TABLES IN SCHEMA pgshift TO {app}")
    done = run_cli("migrate", "--dir", str(folder), url=app_url)  # no sequence rights needed
    assert done.returncode == 0, done.stderr
    assert tables(db_url) == {"a", "b"}


def test_a_read_only_database(server_url: str, db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    database = str(query(db_url, "SELECT current_database()")[0][0])
    query(server_url, f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    _refused(
        run_cli("migrate", "--dir", str(folder), url=db_url),
        "read-only",
        "default_transaction_read_only is on",
        "SQLSTATE 25006",
    )
    query(server_url, f"ALTER DATABASE {database} RESET default_transaction_read_only")
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0002_b.sql").write_text("CREATE TABLE b (id int);\n")
    query(server_url, f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    assert run_cli("status", "--dir", str(folder), url=db_url).returncode == 1  # reads work
    err = _refused(
        run_cli("migrate", "--dir", str(folder), url=db_url),
        "0002_b.sql:1",
        "read-only transaction",
        "default_transaction_read_only is on",
    )
    assert "Fix the migration" not in err
    assert tables(db_url) == {"a"}


def test_a_migration_that_switches_roles_never_writes_pgshifts_rows_as_that_role(
    db_url: str, tmp_path: Path, make_role: Callable[..., tuple[str, str]]
) -> None:
    owner, _ = make_role("NOLOGIN")
    admin = _admin(db_url)
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_owned.sql": f"CREATE SCHEMA app AUTHORIZATION {owner};\n"
            f"SET ROLE {owner};\n"
            "CREATE TABLE app.t (id int);\n",
            "0002_next.sql": "CREATE TABLE public.u (id int);\n",
            "0003_python.py": "def up(conn):\n"
            f'    conn.execute("SET ROLE {owner}")\n'
            '    conn.execute("CREATE TABLE app.p (id int)")\n',
            "0004_session.sql": f"SET SESSION AUTHORIZATION {owner};\n"
            "CREATE TABLE app.s (id int);\n",
            "0005_concurrent.sql": "-- pgshift:no-transaction\n"
            f"SET ROLE {owner};\n"
            "CREATE INDEX CONCURRENTLY t_id ON app.t (id);\n"
            "CREATE TABLE app.after_index (id int);\n",
            "0006_last.sql": "CREATE TABLE public.v (id int);\n",
        },
    )
    result = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert result.returncode == 0, result.stderr
    owners = dict(
        query(
            db_url,
            "SELECT tablename, tableowner FROM pg_tables "
            "WHERE schemaname NOT IN ('pgshift', 'pg_catalog', 'information_schema')",
        )
    )
    assert owners == {
        "t": owner,
        "p": owner,
        "s": owner,
        "after_index": owner,
        "u": admin,  # no role leaked into the migrations after
        "v": admin,
    }
    assert query(db_url, "SELECT DISTINCT applied_by FROM pgshift.history") == [(admin,)]
    assert query(db_url, "SELECT DISTINCT by_user FROM pgshift.log") == [(admin,)]


def test_a_permission_error_names_the_statement_and_its_role(
    db_url: str, tmp_path: Path, make_role: Callable[..., tuple[str, str]]
) -> None:
    weak, _ = make_role("NOLOGIN")
    folder = write_migrations(
        tmp_path / "m", {"0001_w.sql": f"SET ROLE {weak};\nCREATE TABLE public.w (id int);\n"}
    )
    _refused(
        run_cli("migrate", "--dir", str(folder), url=db_url),
        "0001_w.sql:2",
        "permission denied for schema public",
        f"It ran as role {weak} (switched to at",
        "0001_w.sql:1)",
    )
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


def test_a_failing_history_row_is_not_blamed_on_the_migration(
    db_url: str,
    tmp_path: Path,
    make_role: Callable[..., tuple[str, str]],
    server_version: int,
) -> None:
    from pgshift.migrations import history

    if server_version >= 160000:
        pytest.skip("from PostgreSQL 16 a role revokes only the memberships it granted itself")

    group, _ = make_role("NOLOGIN")
    app, app_url = make_role()
    with psycopg.connect(db_url, autocommit=True) as conn:
        history.ensure(conn, "pgshift")
        conn.execute(f"GRANT USAGE ON SCHEMA pgshift TO {group}")
        conn.execute(f"GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA pgshift TO {group}")
        conn.execute(f"GRANT {group} TO {app} WITH ADMIN OPTION")
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {app}")
    # the migration's statements all succeed; it is pgshift's own row that cannot be written
    folder = write_migrations(
        tmp_path / "m",
        {"0001_roles.sql": f"CREATE TABLE public.a (id int);\nREVOKE {group} FROM {app};\n"},
    )
    err = _refused(
        run_cli("migrate", "--dir", str(folder), url=app_url),
        "pgshift's own write of its row in pgshift.history failed",
        "permission denied for schema pgshift",
        f"as role {app}",
        "rolled back",
    )
    assert "0001_roles.sql:2" not in err
    assert tables(db_url) == set()
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


# -- a migration that would drop pgshift's own tables ----------------------------------------


@pytest.mark.parametrize(
    ("schema", "header", "drop"),
    [
        ("pgshift", "", "DROP SCHEMA pgshift CASCADE;"),
        ("pgshift", "-- pgshift:no-transaction\n", "DROP SCHEMA IF EXISTS x, pgshift CASCADE;"),
        ("deploy", "", "DROP TABLE deploy.history;"),
        ("deploy", "", "DROP TABLE IF EXISTS public.a, deploy.log;"),
    ],
)
def test_a_down_part_that_drops_pgshifts_tables_is_refused(
    db_url: str, tmp_path: Path, schema: str, header: str, drop: str
) -> None:
    text = f"{header}CREATE TABLE a (id int);\n-- pgshift:down\nDROP TABLE a;\n{drop}\n"
    later = "CREATE TABLE b (id int);\n-- pgshift:down\nDROP TABLE b;\n"
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": text, "0002_b.sql": later})
    options = ("--dir", str(folder), "--schema", schema)
    assert run_cli("migrate", *options, url=db_url).returncode == 0
    down = run_cli("down", "--to", "0", *options, url=db_url)
    err = _refused(down, f"0001_a.sql:{4 + bool(header)}", "drops pgshift's own")
    assert "nothing was run" in err
    assert tables(db_url) == {"a", "b"}  # 0002 was not reverted either
    assert query(db_url, f"SELECT version FROM {schema}.history ORDER BY id") == [("1",), ("2",)]


def test_an_up_part_that_drops_pgshifts_schema_is_refused(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n",
            "0002_reset.sql": "DROP TABLE a;\nDROP SCHEMA pgshift CASCADE;\n",
        },
    )
    assert run_cli("migrate", "--to", "1", "--dir", str(folder), url=db_url).returncode == 0
    result = run_cli("migrate", "--no-lint", "--dir", str(folder), url=db_url)
    _refused(result, "0002_reset.sql:2", "drops pgshift's own schema")
    assert tables(db_url) == {"a"}
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]


def test_a_server_error_no_command_explained_is_still_one_paragraph(
    db_url: str, make_role: Callable[..., tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from pgshift.cli._common import fail

    _, app_url = make_role()
    with psycopg.connect(app_url) as conn, pytest.raises(psycopg.Error) as raised:
        conn.execute("CREATE TABLE public.nope (id int)")
    with pytest.raises(SystemExit) as exited:
        fail(raised.value, False)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the server refused")
    assert "permission denied for schema public (SQLSTATE 42501)" in err
    assert "bug in pgshift" not in err
