"""Errors that say what really happened: another migration under an applied version,
a migration that exits, a concurrent build killed at the first statement, missing
privileges, read-only databases, SET ROLE, and downs that would drop pgshift's tables."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
