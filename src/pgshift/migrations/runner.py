"""Apply and revert migrations on a connection the caller has locked.

A migration and its history row commit in one transaction; its statements go to
the server in batches (:mod:`~pgshift.migrations.batches`). A ``no-transaction``
migration runs statement by statement, journaled as it goes, so that a run that
dies part-way resumes after the last completed statement
(:mod:`~pgshift.migrations.journaled`). A statement's error becomes a
``file:line`` paragraph (:mod:`~pgshift.migrations.failures`); a lock timeout is
retried (:mod:`~pgshift.migrations.retry`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from psycopg import sql

from pgshift.errors import MigrationError
from pgshift.events import Event, RunResult
from pgshift.migrations import dryrun, history, retry
from pgshift.migrations.batches import HistoryTail, batches, send_batch
from pgshift.migrations.discovery import Migration
from pgshift.migrations.failures import statement_error
from pgshift.migrations.journaled import JournaledRun
from pgshift.migrations.layouts._common import no_transaction_hint
from pgshift.migrations.owntables import OWN_ROLE, own_write_error, refuse_own_drops
from pgshift.migrations.python import guarded, load_python
from pgshift.migrations.retry import Backoff
from pgshift.migrations.running import running
from pgshift.migrations.sections import Section, is_blank
from pgshift.migrations.statements import Statement, check_runnable, split

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

# The seconds between two progress events of a long migration.
PROGRESS_EVERY = 0.25

# Test hook: SIGKILL this process after the Nth statement sent by the runner, to
# prove that a run killed anywhere can be finished by the next one.
CRASH_AFTER_ENV = "_PGSHIFT_CRASH_AFTER"


class Runner:
    """Runs migrations on ``conn`` (autocommit; transactions are explicit)."""

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        schema: str,
        *,
        pgshift_version: str,
        lock_timeout: float | None = None,
        statement_timeout: float | None = None,
        backoff: Backoff | None = None,
        observer: psycopg.Connection[Any] | None = None,
        on_retry: Callable[[str], None] | None = None,
        concurrent_lock_timeout: float | None = None,
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.pgshift_version = pgshift_version
        self.lock_timeout = lock_timeout
        self.statement_timeout = statement_timeout
        # a statement that times out waiting for a lock is retried (None: once only)
        self.backoff = backoff or Backoff(attempts=1)
        self.observer = observer  # reads who blocked us: the timed-out session cannot
        self.on_retry = on_retry
        self.concurrent_lock_timeout = concurrent_lock_timeout
        # how long a failed attempt may have held up the queries queued behind it
        self._waited = 0.0
        self._texts: dict[tuple[float | None, float | None, str], tuple[str, ...]] = {}
        self._record = history.record_query(schema)
        self._forget_repeatable = history.forget_query(schema, True)
        self._tail = HistoryTail(conn, schema)
        self._sent = 0
        self.on_event: Callable[[Event], None] | None = None  # progress of long files
        # waits while replicas lag; Python migrations reach it (pgshift.backfill does)
        self.throttle: Callable[[], None] | None = None
        crash = os.environ.get(CRASH_AFTER_ENV)
        self._crash_after = int(crash) if crash else None

    # -- execution ---------------------------------------------------------------

    def execute(self, query: Any, params: Any = None) -> psycopg.Cursor[Any]:
        """Send one query of the run (counted for :data:`CRASH_AFTER_ENV`)."""
        cursor = self.conn.execute(query, params, prepare=False)
        self._count(1)
        return cursor

    def _count(self, sent: int) -> None:
        self._sent += sent
        if self._crash_after is not None and self._sent >= self._crash_after:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    def run_statement(self, statement: Statement, section: Section, prefix: str = "") -> None:
        """Run one statement of ``section``; raise its :class:`MigrationError`."""
        import psycopg

        try:
            self.execute(prefix + statement.sql)
        except psycopg.Error as exc:
            raise statement_error(self.conn, exc, statement, section, len(prefix)) from exc

    def _rollback(self) -> None:
        from psycopg.pq import TransactionStatus

        if self.conn.closed or self.conn.broken:
            return
        if self.conn.info.transaction_status != TransactionStatus.IDLE:
            try:
                self.conn.execute("ROLLBACK")
            except Exception:  # the session is gone; the server rolled back
                log.debug("rollback failed", exc_info=True)

    def flush(self) -> None:
        """Make every commit of this run durable (see ``durable`` in :meth:`apply`).

        A synchronous commit of a transaction that has an id flushes the WAL up to
        it, and with it every earlier asynchronous commit.
        """
        self.conn.execute("BEGIN; SELECT txid_current(); COMMIT")

    def settings(self, migration: Migration) -> list[sql.Composed]:
        """The SETs of ``migration``'s lock and statement timeouts (LOCAL in a
        transaction); its lock_timeout becomes the floor of a retry's wait."""
        return self._compose(*self._timeouts(migration))

    def _timeouts(self, migration: Migration) -> tuple[float | None, float | None, str]:
        directives = migration.directives
        lock = self.lock_timeout if directives.lock_timeout is None else directives.lock_timeout
        self._waited = lock or 0.0
        stmt = (
            self.statement_timeout
            if directives.statement_timeout is None
            else directives.statement_timeout
        )
        return lock, stmt, "LOCAL " if directives.transaction else ""

    @staticmethod
    def _compose(lock: float | None, stmt: float | None, local: str) -> list[sql.Composed]:
        result = []
        if lock is not None:
            result.append(
                sql.SQL("SET " + local + "lock_timeout = {}").format(
                    sql.Literal(f"{round(lock * 1000)}ms")
                )
            )
        if stmt is not None:
            result.append(
                sql.SQL("SET " + local + "statement_timeout = {}").format(
                    sql.Literal(f"{round(stmt * 1000)}ms")
                )
            )
        return result

    def _settings_text(self, migration: Migration) -> tuple[str, ...]:
        """:meth:`settings` as SQL text; the same few texts serve a whole run, so each
        is composed once (a thousand migrations would compose it a thousand times)."""
        key = self._timeouts(migration)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = tuple(c.as_string(self.conn) for c in self._compose(*key))
        return text

    def _params(self, migration: Migration, seconds: float, action: str) -> dict[str, Any]:
        return {
            "version": migration.version,
            "slug": migration.slug,
            "kind": "baseline" if migration.baseline else migration.kind,
            "checksum": migration.checksum,
            "seconds": seconds,
            "pgshift": self.pgshift_version,
            "action": action,
            "pid": os.getpid(),
        }

    # -- preparation (before anything runs) --------------------------------------

    @staticmethod
    def prepare(migration: Migration, *, down: bool = False) -> tuple[Statement, ...]:
        """Parse and check a SQL migration's statements; raise before anything runs."""
        section = migration.down if down else migration.up
        if section is None or (migration.foreign and is_blank(section)):
            return ()  # another tool's empty file: a migration that does nothing
        statements = split(section)
        transaction = migration.reverts_in_transaction if down else migration.directives.transaction
        check_runnable(
            statements, transaction, section, no_transaction_hint=no_transaction_hint(migration)
        )
        return statements

    # -- apply -------------------------------------------------------------------

    def apply(
        self,
        migration: Migration,
        statements: tuple[Statement, ...],
        resume_at: int = 0,
        *,
        durable: bool = True,
    ) -> RunResult:
        """Run one migration and record it; raise :class:`MigrationError` on failure.

        With ``durable=False`` a transactional SQL migration commits without
        waiting for its WAL to reach disk; the caller makes the run durable with a
        later synchronous commit (the last migration, or :meth:`flush`). A crash in
        between loses a migration together with its history row, never one of them.
        """
        self.refuse_own_drops(migration, statements)
        started = time.perf_counter()
        if migration.language == "sql" and not statements:
            with self.conn.transaction():  # an empty file of another tool's: recorded
                self.record_applied(migration, started)
            return RunResult(migration, time.perf_counter() - started, 0, resume_at)
        attempt = 1
        while True:
            try:
                if migration.language == "python":
                    self._apply_python(migration, started)
                elif migration.directives.transaction:
                    self._apply_in_transaction(migration, statements, started, durable)
                else:  # retries statement by statement, inside
                    JournaledRun(self, migration, statements).apply(resume_at, started)
                break
            except MigrationError as exc:
                if not migration.directives.transaction or not self.again(exc, statements, attempt):
                    raise
                attempt += 1
        return RunResult(migration, time.perf_counter() - started, len(statements), resume_at)

    def again(self, exc: MigrationError, statements: Sequence[Statement], attempt: int) -> bool:
        """After a lock timeout: report the blockers, wait, and say whether to try again.

        On the last attempt the blockers go into the error instead.
        """
        return retry.again(
            exc,
            statements,
            attempt,
            conn=self.conn,
            observer=self.observer,
            backoff=self.backoff,
            on_retry=self.on_retry,
            waited=self._waited,
        )

    def _apply_in_transaction(
        self,
        migration: Migration,
        statements: tuple[Statement, ...],
        started: float,
        durable: bool,
    ) -> None:
        """Statements go in batches (see :mod:`~pgshift.migrations.batches`): BEGIN
        rides with the first, the history row and COMMIT with the last, so a
        one-statement migration is one round trip, and still atomic."""
        section = migration.up
        assert section is not None
        head = ["BEGIN", *self._settings_text(migration)]
        if not durable:
            head.append("SET LOCAL synchronous_commit = off")
        done = 0
        reported = started
        try:
            for batch in batches(statements):
                last = done + len(batch) == len(statements)
                tail = ""
                if last:
                    values = self._params(migration, time.perf_counter() - started, "apply")
                    tail = self._tail.text(migration, values)
                send_batch(
                    self.conn,
                    self.schema,
                    head if done == 0 else [],
                    batch,
                    tail,
                    section,
                    sent=self._count,
                )
                done += len(batch)
                now = time.perf_counter()
                if not last and now - reported >= PROGRESS_EVERY and self.on_event is not None:
                    reported = now
                    count = len(statements)
                    self.on_event(
                        Event("progress", migration.name, migration, done, count, now - started)
                    )
        except BaseException:
            self._rollback()
            raise
        if any(s.session_setting for s in statements):
            self.execute("RESET ALL")

    def own_write(
        self,
        migration: Migration,
        query: Any,
        params: Any = None,
        *,
        write: str = "its row in {schema}.history",
        reset: bool = True,
        replay: Sequence[Statement] = (),
    ) -> psycopg.Cursor[Any]:
        """A write of pgshift's own, as the role pgshift connected as (``reset``); the
        migration's role switches in ``replay`` are made again afterwards (it goes on).

        ``write`` names what was written, for the error should it fail.
        """
        import psycopg

        try:
            if reset:
                self.execute(OWN_ROLE)
            cursor = self.execute(query, params)
            for statement in replay:
                self.execute(statement.sql)
        except psycopg.Error as exc:
            raise own_write_error(
                exc,
                migration.path,
                self.schema,
                self.conn.info.user,
                write=write,
                transaction=migration.directives.transaction,
            ) from exc
        return cursor

    def record_applied(self, migration: Migration, started: float) -> None:
        """Write ``migration``'s history row (replacing a repeatable's last one)."""
        if migration.kind == "repeatable":  # a re-run replaces the row of the last run
            self.own_write(migration, self._forget_repeatable, self._params(migration, 0, "rerun"))
        seconds = time.perf_counter() - started
        self.own_write(migration, self._record, self._params(migration, seconds, "apply"))

    def _apply_python(self, migration: Migration, started: float) -> None:
        module = load_python(migration.path)
        if migration.directives.transaction:
            with self.conn.transaction():
                for setting in self.settings(migration):
                    self.execute(setting)
                self._call(module.up, migration)
                self.record_applied(migration, started)
        else:
            self._call(module.up, migration)
            with self.conn.transaction():
                self.record_applied(migration, started)
        self.execute("RESET ALL")

    def _call(self, function: Callable[[Any], Any], migration: Migration) -> None:
        transaction = migration.directives.transaction
        with (
            guarded(migration.path, "in the migration", transaction=transaction),
            running(self.schema, self.throttle),
        ):
            function(self.conn)

    # -- revert ------------------------------------------------------------------

    def revert(self, migration: Migration, statements: tuple[Statement, ...]) -> RunResult:
        """Run a migration's down part and forget it in history, in one transaction."""
        self.refuse_own_drops(migration, statements, down=True)
        started = time.perf_counter()
        forget = history.forget_query(self.schema, migration.kind == "repeatable")
        params = self._params(migration, 0.0, "revert")
        unrecord = "the removal of its row from {schema}.history"
        if migration.language == "python":
            module = load_python(migration.path)
            if migration.directives.transaction:
                with self.conn.transaction():
                    self._call(module.down, migration)
                    self.own_write(migration, forget, params, write=unrecord)
            else:
                self._call(module.down, migration)
                self.own_write(migration, forget, params, write=unrecord)
        else:
            assert migration.down is not None
            if migration.reverts_in_transaction:
                with self.conn.transaction():
                    for setting in self.settings(migration):
                        self.execute(setting)
                    for statement in statements:
                        self.run_statement(statement, migration.down)
                    self.own_write(migration, forget, params, write=unrecord)
            else:
                for setting in self.settings(migration):
                    self.execute(setting)
                for statement in statements:
                    self.run_statement(statement, migration.down)
                self.own_write(migration, forget, params, write=unrecord)
        self.execute("RESET ALL")
        return RunResult(migration, time.perf_counter() - started, len(statements))

    def refuse_own_drops(
        self, migration: Migration, statements: Sequence[Statement], *, down: bool = False
    ) -> None:
        """Raise :class:`SqlError` before anything runs when a statement of the up (or
        down) part would drop pgshift's own schema or tables."""
        section = migration.down if down else migration.up
        if section is not None:
            refuse_own_drops(statements, section, self.schema, down=down)

    # -- dry run -------------------------------------------------------------------

    def render(self, migration: Migration, statements: tuple[Statement, ...]) -> str:
        """The exact SQL ``apply`` would send for ``migration``, as a script."""
        return dryrun.render(
            self.conn,
            migration,
            statements,
            self.settings(migration),
            schema=self.schema,
            pgshift_version=self.pgshift_version,
        )
