"""Errors that say what really happened: another migration under an applied version,
a migration that exits, a concurrent build killed at the first statement, missing
privileges, read-only databases, SET ROLE, and downs that would drop pgshift's tables."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgshift.runner import CRASH_AFTER_ENV
from tests.conftest import cli_env, query, run_cli, tables, write_migrations


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
