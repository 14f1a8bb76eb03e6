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
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgshift.config import Settings
from pgshift.discovery import Migration, discover
from pgshift.errors import PgshiftError
from pgshift.scratch import drop_database
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
    """The template's name: a hash of the files (so an edited migration, or another
    pgshift, makes a new template), then the version it is migrated to."""
    digest = hashlib.sha256(__version__.encode())
    for migration in migrations:
        digest.update(f"{migration.name}:{migration.checksum}\n".encode())
    pinned = re.sub(r"\W", "_", version) if version is not None else "all"
    return f"{TEMPLATE_PREFIX}{digest.hexdigest()[:16]}_{pinned}"


def _owner_note(settings: Settings) -> str:
    """What a template's comment says: whose files it is built from."""
    return f"pgshift test template of {settings.migrations_dir.resolve()}"


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
            note = _owner_note(settings)
            admin.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(note)
                )
            )
            _drop_stale(admin, name, note)
            return name
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", (lock,))


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    admin.execute(
        sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true").format(
            sql.Identifier(name)
        )
    )
    drop_database(admin, name)


def _drop_stale(admin: psycopg.Connection[Any], keep: str, note: str) -> None:
    """Templates of earlier versions of the same files (the same folder, other
    checksums); another project's templates on the server are left alone."""
    files = keep.rsplit("_", 1)[0]
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE datistemplate AND datname LIKE %s "
        "AND datname NOT LIKE %s AND shobj_description(oid, 'pg_database') = %s",
        (TEMPLATE_PREFIX + "%", files.replace("_", "\\_") + "\\_%", note),
    ).fetchall()
    for (name,) in rows:
        with contextlib.suppress(psycopg.Error):  # still cloned by another run: later
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
            drop_database(admin, name)


class ClonePool:
    """Clones of one template made ahead, and dropped after, by a thread of its own, so
    that a test waits only when the tests run faster than the server clones."""

    def __init__(self, url: str, template: str, ahead: int = 2, threads: int = 2) -> None:
        import queue
        import threading

        self.url = url
        self.template = template
        self._ready: queue.Queue[TestDatabase | BaseException] = queue.Queue()
        self._work: queue.Queue[tuple[str, str]] = queue.Queue()
        # the server's time goes mostly to flushing each new database: two at once overlap
        self._threads = [
            threading.Thread(target=self._run, name=f"pgshift-clones-{n}", daemon=True)
            for n in range(threads)
        ]
        for _ in range(ahead):
            self._work.put(("make", ""))
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        with _admin(self.url) as admin:
            while True:
                action, name = self._work.get()
                if action == "stop":
                    return
                try:
                    if action == "make":
                        self._ready.put(self._make(admin))
                    else:
                        drop_database(admin, name)
                except BaseException as exc:  # the waiting test gets it
                    if action == "make":
                        self._ready.put(exc)

    def _make(self, admin: psycopg.Connection[Any]) -> TestDatabase:
        name = CLONE_PREFIX + secrets.token_hex(6)
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(self.template)
            )
        )
        return TestDatabase(name, make_conninfo(self.url, dbname=name))

    def take(self) -> TestDatabase:
        """A fresh clone (and the order of one more, for the next test)."""
        self._work.put(("make", ""))
        got = self._ready.get()
        if isinstance(got, BaseException):
            raise got
        return got

    def give_back(self, database: TestDatabase) -> None:
        """Drop a used clone, in the background."""
        self._work.put(("drop", database.name))

    def close(self) -> None:
        """Stop the thread once it has done what was asked; drop the clones left ready."""
        import queue

        for _ in self._threads:
            self._work.put(("stop", ""))
        for thread in self._threads:
            thread.join()
        with _admin(self.url) as admin:
            while True:
                try:
                    got = self._ready.get_nowait()
                except queue.Empty:
                    break
                if isinstance(got, TestDatabase):
                    drop_database(admin, got.name)


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
    from pgshift.replay import scratch_replay

    settings = settings.with_url(url, "argument")
    steps: list[StairwayStep] = []
    with scratch_replay(settings) as replay:
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
