"""The test server: an embedded PostgreSQL for throw-away test databases, without
durability, kept in memory (``/dev/shm``) when there is room."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

# The test server's databases are thrown away after each test: durability only costs,
# and a small WAL keeps its memory small when it lives in RAM.
TEST_SERVER_SETTINGS = (
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "max_connections = 200",
    "max_wal_size = 96MB",
    "min_wal_size = 32MB",
)
# made 0700 and checked to be ours before use, so the shared folder is safe here
_MEMORY = Path("/dev/shm")  # noqa: S108
_MEMORY_ROOM = 1 << 30  # leave /dev/shm alone when it is small (64 MB in a default container)


def disposable_dir(state_dir: Path, *, create: bool = True, version: int | None = None) -> Path:
    """Where the test server of a project (whose ``.pgshift`` folder is ``state_dir``)
    keeps its data: in memory (``/dev/shm``) when there is room, since a clone there
    takes a fraction of its time on a disk; else ``state_dir/pgtest``. With
    ``create=False`` only an existing folder in memory is chosen. A ``version`` (the
    ``embedded_version`` setting) has a folder of its own."""
    name = "pgtest" if version is None else f"pgtest-{version}"
    fallback = state_dir / name
    if fallback.is_dir() or not _MEMORY.is_dir():
        return fallback  # a test server made on disk stays there
    key = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:12]
    base = _MEMORY / f"pgshift-{os.getuid()}-{key}"
    try:
        if not base.is_dir():
            if not create or shutil.disk_usage(_MEMORY).free < _MEMORY_ROOM:
                return fallback
            base.mkdir(mode=0o700, exist_ok=True)
        info = base.lstat()
    except OSError:
        return fallback
    # a folder of that name that someone else made is not used
    if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
        return fallback
    return base / name


def disposable_server(data_dir: Path, binaries: Path | None = None) -> str:
    """The URL of an embedded server for test databases in ``data_dir``, created and
    started if needed (and left running for the next session, like the embedded default).

    It runs without durability (``fsync``, ``synchronous_commit`` and
    ``full_page_writes`` off): a clone takes a fraction of the time, and a crash of the
    machine loses only test databases.
    """
    from pgshift.db.embedded import EmbeddedServer

    server = EmbeddedServer(data_dir, settings=TEST_SERVER_SETTINGS, binaries=binaries)
    status = server.ensure_running()
    assert status.url is not None
    return status.url


def remove_disposable(data_dir: Path) -> bool:
    """Stop the test server in ``data_dir`` and, when it lives in memory, delete it (it
    holds RAM and nothing else). False when there was none."""
    from pgshift.db.embedded import EmbeddedServer

    server = EmbeddedServer(data_dir, settings=TEST_SERVER_SETTINGS)
    if not server.status().initialized:
        return False
    server.stop()
    if data_dir.resolve().is_relative_to(_MEMORY.resolve()):
        shutil.rmtree(data_dir.parent, ignore_errors=True)
    return True
