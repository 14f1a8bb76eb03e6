"""Migrated test databases in milliseconds, and the stairway check, for users' test suites.

A *template* database is migrated once per set of migration files (its name holds
a hash of their checksums, so an edited file makes a new one) and each test gets a
clone of it (``CREATE DATABASE ... TEMPLATE``), dropped afterwards. Many processes
(pytest-xdist workers) share one template: whoever builds it holds an advisory
lock, the others wait and clone.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgshift.config import Settings
from pgshift.db.connection import describe
from pgshift.db.scratch import drop_database
from pgshift.errors import PgshiftError
from pgshift.migrations.discovery import Migration, project_migrations
from pgshift.testing.databases import TestDatabase, database_url
from pgshift.version import __version__

TEMPLATE_PREFIX = "pgshift_tpl_"
CLONE_PREFIX = "pgshift_test_"
# advisory-lock space of the clone pools: (this, pool key) is held while a pool lives
_POOL_LOCKS = 0x70677368


def _admin(url: str) -> psycopg.Connection[Any]:
    from pgshift.db.connection import connect

    return connect(url, source="--pgshift-url, PGSHIFT_TEST_URL or DATABASE_URL")


def _may_not_create(url: str) -> PgshiftError:
    """The paragraph for a role without CREATEDB (a template may exist already, built
    by another role: then it is the clone that is refused)."""
    return PgshiftError(
        f"cannot make the test databases on {describe(url)}: the role may not "
        "create databases (each test gets one).",
        "Grant it CREATEDB (ALTER ROLE ... CREATEDB), or give no server at all "
        "(no --pgshift-url, PGSHIFT_TEST_URL or DATABASE_URL) to use the "
        "plugin's own test server.",
    )


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

    migrations = project_migrations(settings).migrations
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
            try:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.InsufficientPrivilege as exc:
                raise _may_not_create(url) from exc
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
            sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(name), sql.Identifier(template), _clone_strategy(admin)
            )
        )
    try:
        yield TestDatabase(name, database_url(url, name))
    finally:
        with _admin(url) as admin:
            drop_database(admin, name)


class ClonePool:
    """Clones of one template made ahead by threads of their own, so that a test waits
    only when the tests run faster than the server clones.

    Making comes first: a used clone is dropped when ``ahead`` clones are ready or on
    their way, or when ``backlog`` used ones wait (so disk use stays bounded). A drop
    put off also finds the test's connections gone, where a drop at once would wait
    for their backends to exit.
    """

    def __init__(
        self, url: str, template: str, *, ahead: int = 3, threads: int = 2, backlog: int = 8
    ) -> None:
        import threading

        self.url = url
        self.template = template
        self._ahead = ahead
        self._backlog = backlog
        self._changed = threading.Condition()
        self._ready: collections.deque[TestDatabase | BaseException] = collections.deque()
        self._used: collections.deque[str] = collections.deque()
        self._making = 0
        self._closing = False
        # two at once overlap one's CPU with the other's writes
        self._threads = [
            threading.Thread(target=self._run, name=f"pgshift-clones-{n}", daemon=True)
            for n in range(threads)
        ]
        self._alive = len(self._threads)
        # Clones are named after the pool's key, whose lock this connection holds while
        # the pool lives: clones of a killed session are known by their lock being free.
        self._key = secrets.randbelow(2**31 - 2) + 1
        self._owner = _admin(url)
        self._owner.execute("SELECT pg_advisory_lock(%s, %s)", (_POOL_LOCKS, self._key))
        self._strategy = _clone_strategy(self._owner)
        _drop_orphans(self._owner)
        for thread in self._threads:
            thread.start()

    def _next(self) -> tuple[str, str] | None:
        """What a thread does next (called holding the lock); None: stop."""
        while True:
            short = not self._closing and len(self._ready) + self._making < self._ahead
            if self._used and (not short or len(self._used) >= self._backlog):
                return ("drop", self._used.popleft())
            if short:
                self._making += 1
                return ("make", "")
            if self._closing:
                return None
            self._changed.wait()

    def _run(self) -> None:
        try:
            with _admin(self.url) as admin:
                while True:
                    with self._changed:
                        job = self._next()
                    if job is None:
                        return
                    action, name = job
                    if action == "drop":
                        with contextlib.suppress(psycopg.Error):  # left for the next run
                            drop_database(admin, name)
                        continue
                    made: TestDatabase | BaseException
                    try:
                        made = self._make(admin)
                    except psycopg.errors.InsufficientPrivilege:
                        made = _may_not_create(self.url)
                    except psycopg.Error as exc:  # the waiting test gets it
                        made = PgshiftError(
                            f"cannot clone {self.template} on {describe(self.url)}: {exc}",
                            "The server's log says more; a full disk is the usual cause.",
                        )
                    except BaseException as exc:
                        made = exc
                    with self._changed:
                        self._making -= 1
                        self._ready.append(made)
                        self._changed.notify_all()
        except BaseException as exc:  # no connection: the waiting test gets it
            with self._changed:
                self._ready.append(exc)
        finally:
            with self._changed:
                self._alive -= 1
                self._changed.notify_all()

    def _make(self, admin: psycopg.Connection[Any]) -> TestDatabase:
        name = f"{CLONE_PREFIX}{self._key}_{secrets.token_hex(4)}"
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(name), sql.Identifier(self.template), self._strategy
            )
        )
        return TestDatabase(name, database_url(self.url, name))

    def take(self) -> TestDatabase:
        """A fresh clone; the pool starts making the next one."""
        with self._changed:
            while not self._ready:
                if not self._alive:
                    raise PgshiftError("the pool of test databases has stopped.")
                self._changed.wait()
            got = self._ready.popleft()
            self._changed.notify_all()
        if isinstance(got, BaseException):
            raise got
        return got

    def give_back(self, database: TestDatabase) -> None:
        """Drop a used clone, in the background."""
        with self._changed:
            self._used.append(database.name)
            self._changed.notify_all()

    def close(self) -> None:
        """Drop the used clones and those left ready; stop the threads."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        for thread in self._threads:
            thread.join()
        left = [got.name for got in self._ready if isinstance(got, TestDatabase)]
        left += self._used
        self._ready.clear()
        self._used.clear()
        with self._owner:
            for name in left:
                drop_database(self._owner, name)


def _clone_strategy(admin: psycopg.Connection[Any]) -> sql.Composable:
    """``STRATEGY FILE_COPY`` on a server without fsync (the plugin's test server): a copy
    of the files, several times faster than the default's page-by-page copy through the
    WAL. With fsync on, the checkpoints it needs make it the slower, so the default."""
    if admin.info.server_version >= 150000:
        fsync = admin.execute("SHOW fsync").fetchone()
        if fsync is not None and fsync[0] == "off":
            return sql.SQL(" STRATEGY FILE_COPY")
    return sql.SQL("")


def _drop_orphans(admin: psycopg.Connection[Any]) -> None:
    """Drop the clones of pools that are gone (a session killed before it cleaned up):
    no session holds their pool's lock any more."""
    rows = admin.execute(
        "SELECT datname FROM pg_database AS d WHERE datname ~ %s AND NOT EXISTS ("
        " SELECT FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.objsubid = 2"
        " AND l.classid = %s::oid AND l.objid::text = split_part(d.datname, '_', 3))",
        (f"^{CLONE_PREFIX}[0-9]+_[0-9a-f]+$", _POOL_LOCKS),
    ).fetchall()
    for (name,) in rows:
        with contextlib.suppress(psycopg.Error):  # someone is still in it: next time
            drop_database(admin, str(name))
