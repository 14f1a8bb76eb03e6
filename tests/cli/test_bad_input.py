"""Every user mistake: one clear paragraph, exit 2, no traceback, nothing changed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgshift.db.embedded import EmbeddedServer
from tests.conftest import cli_env, query, run_cli, tables, write_migrations


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Assert the shape of a refusal and return its text."""
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text
    # notes ("pgshift: ...", such as the lint summary) may come first; then one paragraph
    stderr = "".join(
        line for line in result.stderr.splitlines(keepends=True) if not line.startswith("pgshift:")
    )
    assert stderr.startswith("error: "), result.stderr
    assert "\nhint: " in stderr or "hint:" in stderr
    for word in words:
        assert word in stderr, (word, stderr)
    return stderr


def _untouched(url: str) -> None:
    assert tables(url) == set()
    rows = query(url, "SELECT to_regclass('pgshift.history') IS NOT NULL")
    if rows == [(True,)]:
        assert query(url, "SELECT count(*) FROM pgshift.history") == [(0,)]


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"create_users.sql": "CREATE TABLE a (id int);"}, ["create_users.sql", "0003_add"]),
        ({"0001.create.sql": "CREATE TABLE a (id int);"}, ["0001.create.sql"]),
        (
            {"0001_a.sql": "CREATE TABLE a (id int);", "001_b.sql": "CREATE TABLE b (id int);"},
            ["two migrations have version 1", "0001_a.sql", "001_b.sql"],
        ),
        (
            {"0001_a.sql": "-- pgshift:no-transactoin\nCREATE TABLE a (id int);"},
            ["0001_a.sql:1", "unknown directive"],
        ),
        (
            {"0001_a.sql": "CREATE TABLE a (id int);\n-- pgshift:lock-timeout 1s\n"},
            ["0001_a.sql:2", "not at the top"],
        ),
        ({"0001_a.sql": ""}, ["0001_a.sql", "empty"]),
        ({"0001_a.sql": "-- nothing but a comment\n"}, ["0001_a.sql", "empty"]),
        (
            {"0001_a.sql": b"CREATE TABLE a (id int);\nCREATE TABLE b (n text DEFAULT '\xe9');\n"},
            ["0001_a.sql:2", "not valid UTF-8"],
        ),
    ],
)
def test_bad_files(
    db_url: str, tmp_path: Path, files: dict[str, str | bytes], words: list[str]
) -> None:
    folder = write_migrations(tmp_path / "m", files)
    _refused(run_cli("migrate", "--dir", str(folder), url=db_url), *words)
    _untouched(db_url)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("CREATE TABLE a (id int);\n\nCREATE TABL b (id int);\n", ["0002_b.sql:3", "syntax error"]),
        ("CREATE TABLE b (id int);\n\\i other.sql\n", ["0002_b.sql:2", "meta-command"]),
        ("BEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n", ["0002_b.sql:1", "BEGIN"]),
        (
            "CREATE TABLE b (id int);\nCREATE INDEX CONCURRENTLY b_id ON b (id);\n",
            ["0002_b.sql:2", "-- pgshift:no-transaction"],
        ),
        ("CREATE TABLE b (id int);\nCOPY b FROM stdin;\n", ["0002_b.sql:2", "COPY"]),
    ],
)
def test_sql_refused_before_anything_runs(
    db_url: str, tmp_path: Path, sql: str, words: list[str]
) -> None:
    # the good first file must not run either: every file is checked first
    folder = write_migrations(
        tmp_path / "m", {"0001_a.sql": "CREATE TABLE first (id int);", "0002_b.sql": sql}
    )
    _refused(run_cli("migrate", "--dir", str(folder), url=db_url), *words)
    _untouched(db_url)


def test_a_failing_third_statement_leaves_no_trace(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n"
            "INSERT INTO a VALUES (1);\n"
            "INSERT INTO nowhere VALUES (1);\n"
        },
    )
    err = _refused(run_cli("migrate", "--dir", str(folder), url=db_url), "0001_a.sql:3")
    assert 'relation "nowhere" does not exist' in err
    assert "42P01" in err
    assert "earlier migration" in err
    _untouched(db_url)


def test_an_edited_applied_file_is_refused_until_repaired(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0001_a.sql").write_text("CREATE TABLE a (id int);\n ")  # one byte more
    (folder / "0002_b.sql").write_text("CREATE TABLE b (id int);\n")
    state = run_cli("status", "--dir", str(folder), url=db_url)
    assert state.returncode == 1
    assert "changed" in state.stdout
    _refused(run_cli("migrate", "--dir", str(folder), url=db_url), "edited", "pgshift repair")
    assert tables(db_url) == {"a"}
    refused = run_cli("repair", "--dir", str(folder), url=db_url)  # no terminal to confirm
    _refused(refused, "confirmation")
    assert run_cli("repair", "--yes", "--dir", str(folder), url=db_url).returncode == 0
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    assert tables(db_url) == {"a", "b"}


def test_a_deleted_applied_file(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"0001_a.sql": "CREATE TABLE a (id int);\n", "0002_b.sql": "CREATE TABLE b (id int);\n"},
    )
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0001_a.sql").unlink()
    (folder / "0003_c.sql").write_text("CREATE TABLE c (id int);\n")
    _refused(run_cli("migrate", "--dir", str(folder), url=db_url), "1 a", "file is gone")
    assert tables(db_url) == {"a", "b"}


def test_a_pending_file_older_than_the_newest_applied(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0002_b.sql": "CREATE TABLE b (id int);\n"})
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    (folder / "0001_a.sql").write_text("CREATE TABLE a (id int);\n")
    state = run_cli("status", "--dir", str(folder), url=db_url)
    assert state.returncode == 1
    assert "out-of-order" in state.stdout
    _refused(
        run_cli("migrate", "--dir", str(folder), url=db_url), "0001_a.sql", "--allow-out-of-order"
    )
    assert tables(db_url) == {"b"}
    late = run_cli("migrate", "--allow-out-of-order", "--dir", str(folder), url=db_url)
    assert late.returncode == 0, late.stderr
    assert tables(db_url) == {"a", "b"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_server_that_does_not_answer_within_wait(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/app"
    started = time.monotonic()
    result = run_cli("migrate", "--wait", "1", "--dir", str(folder), url=url)
    elapsed = time.monotonic() - started
    _refused(result, "waited 1s", "127.0.0.1", "Connection refused")
    assert 1.0 <= elapsed < 10


@pytest.mark.parametrize("command", ["migrate", "status"])
def test_a_bad_file_is_said_before_a_server_that_does_not_answer(
    tmp_path: Path, command: str
) -> None:
    # the files are read while the connection opens: the file's mistake still comes
    # first, as when the files were read before connecting
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "", "0002_b.sql": "SELECT 1;\n"})
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/app"
    _refused(run_cli(command, "--dir", str(folder), url=url), "0001_a.sql", "empty")


def test_a_database_that_does_not_exist(server_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    url = psycopg.conninfo.make_conninfo(server_url, dbname="pgshift_no_such_db")
    _refused(run_cli("status", "--dir", str(folder), url=url), "does not exist", "CREATE DATABASE")


def test_a_malformed_url_never_shows_its_password(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    for url in ("postgresql://app:s3cretpw@127.0.0.1:notaport/db", "host=x password=s3cretpw ="):
        result = run_cli("migrate", "--debug", "--dir", str(folder), url=url)
        assert result.returncode == 2
        assert "s3cretpw" not in result.stdout + result.stderr


def test_a_missing_migrations_directory(db_url: str, tmp_path: Path) -> None:
    _refused(run_cli("migrate", "--dir", str(tmp_path / "nope"), url=db_url), "pgshift init")


def test_down_without_a_down_part_refuses_before_reverting_anything(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n",
            "0002_b.sql": "CREATE TABLE b (id int);\n-- pgshift:down\nDROP TABLE b;\n",
        },
    )
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    _refused(run_cli("down", "--to", "0", "--dir", str(folder), url=db_url), "0001_a.sql")
    assert tables(db_url) == {"a", "b"}


def test_debug_shows_the_traceback(db_url: str, tmp_path: Path) -> None:
    result = run_cli("migrate", "--debug", "--dir", str(tmp_path / "nope"), url=db_url)
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_unknown_config_key_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "pgshift.toml").write_text('migratoins = "db"\n')
    result = run_cli("status", cwd=tmp_path, env=cli_env("postgresql://127.0.0.1:1/x"))
    _refused(result, "pgshift.toml", "migratoins")


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """A server of our own that asks role ``app`` for a password (the shared one may trust)."""
    base = Path(tempfile.mkdtemp(prefix="pgshift-pw-"))
    base.chmod(0o755)
    server = EmbeddedServer(base / "pgdata", settings=("password_encryption = scram-sha-256",))
    status = server.ensure_running()
    assert status.url is not None
    try:
        with psycopg.connect(status.url, autocommit=True) as conn:
            conn.execute("CREATE ROLE app LOGIN PASSWORD 'right-horse-battery'")
            (base / "pgdata" / "pg_hba.conf").write_text(
                "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
            )
            conn.execute("SELECT pg_reload_conf()")
        yield f"postgresql://app:{{password}}@127.0.0.1:{status.port}/postgres"
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_a_wrong_password(password_server: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    wrong = password_server.format(password="wrong-staple-9")
    for extra in ((), ("--debug",)):
        result = run_cli("migrate", *extra, "--dir", str(folder), url=wrong)
        assert result.returncode == 2
        assert "wrong-staple-9" not in result.stdout + result.stderr
        assert "authentication failed" in result.stderr
    _refused(run_cli("migrate", "--dir", str(folder), url=wrong), "password")
    right = password_server.format(password="right-horse-battery")
    assert run_cli("status", "--dir", str(folder), url=right).returncode == 1  # 1 pending
