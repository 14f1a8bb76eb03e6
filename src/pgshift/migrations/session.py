"""One command's session with its database: settings, connections, the migration lock.

Every library call that touches a database goes through :func:`open_session`: it
resolves the URL (starting the embedded server when none is set), connects, and to
write takes the migration lock and brings pgshift's own tables up to date, so that
the callers above (the API, the workflows) only say what they do in between.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgshift.config import Settings
from pgshift.db.connection import connect, describe, resolve_url
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations import history
from pgshift.migrations.locking import (
    AdvisoryLock,
    Holder,
    end_orphans,
    mark_work,
    unmark_work,
)
from pgshift.migrations.plan import Status, compute_status
from pgshift.version import __version__

if TYPE_CHECKING:
    import psycopg

    from pgshift.migrations.discovery import Directory
    from pgshift.migrations.migration import Migration
    from pgshift.migrations.runner import Runner


@dataclass(slots=True)
class Session:
    """One command's connections: ``conn`` reads (and holds the lock when writing);
    ``work()`` opens the second connection that migrations run on, only if needed."""

    settings: Settings
    url: str
    conn: psycopg.Connection[Any]
    opener: Callable[[], psycopg.Connection[Any]]
    notes: list[str] = field(default_factory=list)
    installed: int | None = None
    locked: bool = False  # the migration lock is held: the work session is marked as ours
    _work: psycopg.Connection[Any] | None = None

    @property
    def target(self) -> str:
        return describe(self.url)

    def work(self) -> psycopg.Connection[Any]:
        # The lock's session must stay idle, holding no snapshot, or a CREATE INDEX
        # CONCURRENTLY run by this very runner would wait for it.
        if self._work is None:
            self._work = self.opener()
            if self.locked:
                mark_work(self._work, self.settings.schema)
        return self._work

    def close(self) -> None:
        if self._work is not None:
            if self.locked:
                unmark_work(self._work, self.settings.schema)
            self._work.close()


@contextlib.contextmanager
def open_session(
    settings: Settings,
    *,
    write: bool,
    on_event: EventHandler | None,
    create_history: bool = True,
) -> Iterator[Session]:
    """Connect (and, to write, take the migration lock and bring pgshift's tables up to
    date). With ``create_history=False`` a database that has no history yet is left
    untouched: the caller creates it with :func:`pgshift.migrations.history.ensure`
    once it is sure to run.

    A server error that escapes pgshift's own work (its lock, its tables, reading the
    catalogs) leaves as a :class:`ServerError` paragraph, here and only here."""
    import psycopg

    from pgshift.db.sqlstate import server_error

    url, note = resolve_url(settings)
    if note:
        emit(on_event, Event("note", note))
    source = settings.url_source

    def conn() -> psycopg.Connection[Any]:
        return connect(
            url,
            source=source,
            wait=settings.connect_wait,
            connect_timeout=settings.connect_timeout,
            application_name=settings.application_name,
            search_path=settings.search_path,
        )

    first = conn()
    user = first.info.user
    notes = [note] if note else []
    try:
        if not write:
            reader = Session(settings, url, first, conn, notes)
            try:
                yield reader
            finally:
                reader.close()
            return

        def waiting(who: Holder | None) -> None:
            held = who.describe() if who else "another session"
            emit(on_event, Event("wait", f"waiting for the migration lock held by {held}"))

        lock = AdvisoryLock(
            first,
            settings.schema,
            wait=settings.lock_wait,
            on_wait=waiting,
            allow_pooler=settings.allow_pooler,
        )
        lock.acquire()
        for pid in end_orphans(first, settings.schema):
            emit(
                on_event,
                Event(
                    "note",
                    f"ended session pid {pid}, left running by a pgshift that was killed "
                    "(what it had not committed was rolled back)",
                ),
            )
        session = Session(settings, url, first, conn, notes, locked=True)
        try:
            if create_history or history.installed_format(first, settings.schema) != 0:
                history.ensure(first, settings.schema)
                session.installed = history.FORMAT
            else:
                session.installed = 0
            yield session
        finally:
            session.close()
            lock.release()
    except psycopg.Error as exc:
        raise server_error(exc, target=describe(url), user=user, conn=first) from exc
    finally:
        first.close()


@contextlib.contextmanager
def reading_session(
    settings: Settings, on_event: EventHandler | None
) -> Iterator[tuple[Session, Directory]]:
    """A session that only reads, and the project's migrations, read in a thread while
    it connects (the files and the server are waited on at once). A directory that does
    not read is said before a server that does not answer, as when read first."""
    from concurrent.futures import ThreadPoolExecutor

    from pgshift.migrations.discovery import project_migrations

    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        reading = pool.submit(project_migrations, settings)
        try:
            session = stack.enter_context(open_session(settings, write=False, on_event=on_event))
        except BaseException:
            reading.result()
            raise
        yield session, reading.result()


def status_of(session: Session, migrations: tuple[Migration, ...]) -> Status:
    """Where each migration file stands against the history of the session's database."""
    schema = session.settings.schema
    installed = session.installed
    if installed is None:
        installed = history.installed_format(session.conn, schema)
    if installed == 0:
        return compute_status(migrations, ())
    return compute_status(
        migrations,
        history.read(session.conn, schema),
        history.read_journal(session.conn, schema),
    )


def runner_for(
    session: Session, *, dry_run: bool = False, on_event: EventHandler | None = None
) -> Runner:
    """A runner on the session's work connection (its lock connection for a dry run),
    with the settings' timeouts and lock retries, relaying notices as events."""
    # not needed, nor imported, when nothing is pending
    from pgshift.migrations.retry import Backoff
    from pgshift.migrations.runner import Runner

    def retrying(message: str) -> None:
        emit(on_event, Event("wait", message))

    conn = session.conn if dry_run else session.work()

    def relay(notice: Any) -> None:
        # the progress of batched backfills, and what the server warns of
        message = notice.message_primary or ""
        if message.startswith("pgshift: ") or notice.severity_nonlocalized == "WARNING":
            emit(on_event, Event("note", message.removeprefix("pgshift: ")))

    conn.add_notice_handler(relay)
    return Runner(
        conn,
        session.settings.schema,
        pgshift_version=__version__,
        lock_timeout=session.settings.lock_timeout,
        statement_timeout=session.settings.statement_timeout,
        backoff=Backoff(attempts=session.settings.lock_retries),
        concurrent_lock_timeout=session.settings.concurrent_lock_timeout,
        observer=None if dry_run else session.conn,
        on_retry=retrying,
    )
