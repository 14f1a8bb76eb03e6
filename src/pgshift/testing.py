"""Migrated test databases in milliseconds, and the stairway check, for users' test suites.

A *template* database is migrated once per set of migration files (its name holds
a hash of their checksums, so an edited file makes a new one) and each test gets a
clone of it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards. Many processes
(pytest-xdist workers) share one template: whoever builds it holds an advisory
lock, the others wait and clone.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgshift.config import Settings
from pgshift.discovery import Migration, discover
from pgshift.errors import PgshiftError
from pgshift.version import __version__

TEMPLATE_PREFIX = "pgshift_tpl_"
CLONE_PREFIX = "pgshift_test_"


@dataclass(frozen=True, slots=True)
class TestDatabase:
    """A database for one test: its name and a URL to connect to it."""

    name: str
    url: str

    __test__ = False  # not a test class, whatever pytest thinks of the name


def _admin(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True)


def template_name(migrations: tuple[Migration, ...], version: str | None = None) -> str:
    """The template's name: a hash of the files (and the version pinned), so an edited
    migration, or another pgshift, makes a new template."""
    digest = hashlib.sha256(__version__.encode())
    for migration in migrations:
        digest.update(f"{migration.name}:{migration.checksum}\n".encode())
    digest.update(f"to:{version}".encode())
    return TEMPLATE_PREFIX + digest.hexdigest()[:16]


def ensure_template(settings: Settings, url: str, version: str | None = None) -> str:
    """The name of a template migrated to ``version`` (all when None), built if missing.

    Serialised by an advisory lock on the server: concurrent callers build it once.
    """
    from pgshift.api import migrate

    migrations = discover(settings.migrations_dir)
    name = template_name(migrations, version)
    lock = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with _admin(url) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", (lock,))
        try:
            found = admin.execute(
                "SELECT datistemplate FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if found and found[0]:
                return name
            if found:  # a build that died half-way: start again
                _drop(admin, name)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            target = make_conninfo(url, dbname=name)
            try:
                migrate(settings=settings.with_url(target, "argument"), to=version, backup=False)
            except BaseException:
                _drop(admin, name)
                raise
            # marked only once complete: a half-built template is never cloned
            admin.execute(
                sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false").format(
                    sql.Identifier(name)
                )
            )
            _drop_stale(admin, name)
            return name
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", (lock,))


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    admin.execute(
        sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true").format(
            sql.Identifier(name)
        )
    )
    query = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    if admin.info.server_version >= 130000:
        query = sql.SQL("{} WITH (FORCE)").format(query)
    admin.execute(query)


def _drop_stale(admin: psycopg.Connection[Any], keep: str) -> None:
    """Templates of earlier versions of the files that no session is building."""
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s AND datistemplate",
        (TEMPLATE_PREFIX + "%", keep),
    ).fetchall()
    for (name,) in rows:
        with contextlib.suppress(psycopg.Error):  # in use by another run's clone: later
            _drop(admin, str(name))


@contextlib.contextmanager
def cloned(url: str, template: str) -> Iterator[TestDatabase]:
    """A new database cloned from ``template``, dropped (``WITH (FORCE)``) on exit."""
    name = CLONE_PREFIX + secrets.token_hex(6)
    with _admin(url) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        yield TestDatabase(name, make_conninfo(url, dbname=name))
    finally:
        with _admin(url) as admin:
            query = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
            if admin.info.server_version >= 130000:
                query = sql.SQL("{} WITH (FORCE)").format(query)
            admin.execute(query)


@dataclass(frozen=True, slots=True)
class StairwayStep:
    """One migration taken up, down and up again, with the schema compared."""

    migration: str
    ok: bool
    problem: str = ""


def stairway(settings: Settings, url: str) -> tuple[StairwayStep, ...]:
    """The "stairway" test: each migration up, down and up again, one at a time, on a
    scratch database of the server at ``url``; after each down the schema must equal
    the one before that migration's up. Raises :class:`PgshiftError` naming the first
    migration that fails, with what differs."""
    from pgshift.diff import compare
    from pgshift.replay import replaying
    from pgshift.scratch import scratch_database

    settings = settings.with_url(url, "argument")
    steps: list[StairwayStep] = []
    with scratch_database(settings) as scratch, replaying(settings, scratch) as replay:
        before = replay.schema()
        for migration in discover(settings.migrations_dir):
            replay.up(migration)
            if migration.kind != "versioned":
                continue
            after = replay.schema()
            if not migration.has_down:
                raise PgshiftError(
                    f"{migration.path}: no down part, so the stairway cannot step back.",
                    "Add a '-- pgshift:down' section that undoes the up part.",
                )
            replay.down(migration)
            left = compare(before, replay.schema())
            if left:
                shown = "\n".join(
                    "    " + d.describe("before the up", "after the down") for d in left
                )
                raise PgshiftError(
                    f"{migration.path}: the down part does not undo the up part:\n{shown}",
                    "Make the down part drop or restore each object listed.",
                )
            replay.up(migration)
            again = compare(after, replay.schema())
            if again:
                shown = "\n".join("    " + d.describe("first up", "second up") for d in again)
                raise PgshiftError(
                    f"{migration.path}: applied again after its down, it makes another schema:\n"
                    f"{shown}",
                    "The down part leaves something the up part does not set back.",
                )
            steps.append(StairwayStep(migration.name, True))
            before = after
    return tuple(steps)


def with_directory(settings: Settings, directory: str | None) -> Settings:
    """``settings`` with another migrations directory, when one is given."""
    from pathlib import Path

    return settings if directory is None else replace(settings, migrations_dir=Path(directory))
