"""Fixtures of the fleet tests: many databases on the suite's server, and servers of
their own (real clusters, started here and stopped after)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from pgshift.db.embedded import EmbeddedServer
from pgshift.db.scratch import drop_database
from pgshift.testing import TEST_SERVER_SETTINGS


def database_url(admin_url: str, name: str) -> str:
    """``admin_url`` with its database replaced by ``name``."""
    return admin_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def many_dbs(server_url: str) -> Iterator[Callable[[int], list[str]]]:
    """A factory: ``make(n)`` creates n fresh databases (dropped after) and returns their URLs."""
    made: list[str] = []

    def make(count: int) -> list[str]:
        prefix = f"pgshift_f_{uuid.uuid4().hex[:8]}"
        names = [f"{prefix}_{i:03d}" for i in range(count)]
        with psycopg.connect(server_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'CREATE DATABASE "{name}"')
                made.append(name)
        return [database_url(server_url, name) for name in names]

    yield make
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in made:
            drop_database(conn, name)


class Server:
    """A cluster of the test's own: started, stoppable, restartable."""

    def __init__(self, folder: Path) -> None:
        self.server = EmbeddedServer(folder / "pgdata", settings=TEST_SERVER_SETTINGS)
        status = self.server.ensure_running()
        assert status.url is not None
        self.url = status.url

    def databases(self, count: int, prefix: str = "tenant") -> list[str]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            for i in range(count):
                conn.execute(f'CREATE DATABASE "{prefix}_{i:03d}"')
        return [database_url(self.url, f"{prefix}_{i:03d}") for i in range(count)]

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        status = self.server.ensure_running()
        assert status.url == self.url, (status.url, self.url)


@pytest.fixture
def own_servers() -> Iterator[Callable[[], Server]]:
    """A factory of servers of the test's own (in memory where there is room)."""
    memory = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(prefix="pgshift-fleet-", dir=memory if memory.is_dir() else None))
    started: list[Server] = []

    def make() -> Server:
        server = Server(base / str(len(started)))
        started.append(server)
        return server

    yield make
    for server in started:
        with contextlib.suppress(Exception):
            server.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(autouse=True)
def _in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Library calls find their project (and keep the last run's record) in the test's folder."""
    monkeypatch.chdir(tmp_path)
