"""Apply and revert migrations on a connection the caller has locked.

A migration and its history row commit in one transaction. A ``no-transaction``
migration runs statement by statement; each completed statement is journaled
(in the same transaction as the statement when it can run in one), so a run
that dies part-way resumes after the last completed statement.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from psycopg import sql

from pgshift.db.sqlstate import (
    PERMISSION_DENIED,
    READ_ONLY,
    STATE_HINTS,
    ident,
    read_only_hint,
)
from pgshift.errors import MigrationError, PgshiftError
from pgshift.events import Event, RunResult
from pgshift.migrations import history
from pgshift.migrations.discovery import Migration
from pgshift.migrations.layouts._common import no_transaction_hint
from pgshift.migrations.owntables import (
    OWN_ROLE,
    own_failure,
    own_write_error,
    refuse_own_drops,
    role_set_by,
    switches_role,
)
from pgshift.migrations.python import guarded, load_python
from pgshift.migrations.retry import LOCK_NOT_AVAILABLE, Backoff, blockers, tables_of
from pgshift.migrations.sections import Section, is_blank
from pgshift.migrations.statements import Statement, check_runnable, split

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

# Statements that change rows go to the server several at a time (the thousands of
# INSERTs of a data migration), in batches of about BATCH characters. Any other
# statement goes alone, so that pg_stat_activity and the server's log show it as it
# runs (a long index build, a table rewrite).
BATCHED = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})
BATCH = 1 << 16
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
        self._file_lock_timeout: float | None = None
        # how long a failed attempt may have held up the queries queued behind it
        self._waited = 0.0
        self._record = history.record_query(schema)
        self._journal = history.journal_query(schema)
        self._start = history.start_query(schema)
        self._clear = history.clear_journal_query(schema)
        self._forget_repeatable = history.forget_query(schema, True)
        self._record_text: str | None = None
        self._plain_strings = False
        self._sent = 0
        self.on_event: Callable[[Event], None] | None = None  # progress of long files
        crash = os.environ.get(CRASH_AFTER_ENV)
        self._crash_after = int(crash) if crash else None

    # -- execution ---------------------------------------------------------------

    def _exec(self, query: Any, params: Any = None) -> psycopg.Cursor[Any]:
        cursor = self.conn.execute(query, params, prepare=False)
        self._sent += 1
        if self._crash_after is not None and self._sent >= self._crash_after:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return cursor

    def _run_statement(self, statement: Statement, section: Section, prefix: str = "") -> None:
        import psycopg

        try:
            self._exec(prefix + statement.sql)
        except psycopg.Error as exc:
            raise self._statement_error(exc, statement, section, len(prefix)) from exc

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

    def _statement_error(
        self, exc: Exception, statement: Statement, section: Section, skip: int = 0
    ) -> MigrationError:
        import psycopg

        diag = getattr(exc, "diag", None)
        state = getattr(exc, "sqlstate", None)
        line = statement.line
        position = getattr(diag, "statement_position", None)
        if position and int(position) > skip:
            line += statement.sql[: int(position) - 1 - skip].count("\n")
        primary = (getattr(diag, "message_primary", None) or str(exc)).strip()
        detail = getattr(diag, "message_detail", None)
        server_hint = getattr(diag, "message_hint", None)
        excerpt = "\n".join("    " + x for x in statement.sql.splitlines()[:8])
        lost = isinstance(exc, psycopg.OperationalError) and self.conn.broken
        message = f"{section.path}:{line}: {primary}"
        if detail:
            message += f"\n  detail: {detail}"
        message += f"\n{excerpt}"
        if state:
            message += f"\n  SQLSTATE {state}"
        hint = STATE_HINTS.get(state or "", "")
        if state == PERMISSION_DENIED:
            hint = f"It ran as {self._role_at(statement, section)}. {hint}"
        elif state == READ_ONLY:  # (outside a transaction block it can ask why)
            hint = read_only_hint(self.conn) + " Nothing of the migration was kept."
        if lost:
            hint = "The connection to the server was lost; the server rolled the transaction back."
        if server_hint:
            hint = f"server hint: {server_hint.rstrip('.')}. {hint}".strip()
        return MigrationError(
            message,
            hint
            or "Fix the migration; its transaction was rolled back and nothing of it was kept.",
            path=section.path,
            line=line,
            statement=statement.sql,
            sqlstate=state,
        )

    def _role_at(self, statement: Statement, section: Section) -> str:
        """The role a statement of ``section`` ran as, and why (for a permission error)."""
        try:
            earlier = [s for s in split(section) if s.line < statement.line and switches_role(s)]
        except PgshiftError:
            earlier = []
        if earlier:
            role = role_set_by(earlier[-1])
            if role is not None:
                return f"role {ident(role)} (switched to at {section.path}:{earlier[-1].line})"
        return f"role {ident(self.conn.info.user)}"

    def _settings(self, migration: Migration) -> list[sql.Composed]:
        result = []
        directives = migration.directives
        lock = self.lock_timeout if directives.lock_timeout is None else directives.lock_timeout
        self._waited = lock or 0.0
        stmt = (
            self.statement_timeout
            if directives.statement_timeout is None
            else directives.statement_timeout
        )
        local = "LOCAL " if migration.directives.transaction else ""
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
                self._record_applied(migration, started)
            return RunResult(migration, time.perf_counter() - started, 0, resume_at)
        attempt = 1
        while True:
            try:
                if migration.language == "python":
                    self._apply_python(migration, started)
                elif migration.directives.transaction:
                    self._apply_in_transaction(migration, statements, started, durable)
                else:  # retries statement by statement, inside
                    self._apply_journaled(migration, statements, resume_at, started)
                break
            except MigrationError as exc:
                if not migration.directives.transaction or not self._again(
                    exc, statements, attempt
                ):
                    raise
                attempt += 1
        return RunResult(migration, time.perf_counter() - started, len(statements), resume_at)

    def _again(self, exc: MigrationError, statements: tuple[Statement, ...], attempt: int) -> bool:
        """After a lock timeout: report the blockers, wait, and say whether to try again.

        On the last attempt the blockers go into the error instead.
        """
        if exc.sqlstate != LOCK_NOT_AVAILABLE or self.conn.broken:
            return False
        failed = next((s for s in statements if s.line == exc.line), None)
        own = [self.conn.info.backend_pid]
        if self.observer is not None:
            own.append(self.observer.info.backend_pid)
        held = (
            blockers(self.observer, tables_of(failed), own)
            if self.observer is not None and failed is not None
            else []
        )
        who = "; ".join(b.describe() for b in held[:3]) or "a session that has since let go"
        if attempt >= self.backoff.attempts:
            if self.backoff.attempts > 1:
                exc.message += f"\n  Gave up after {attempt} attempts; the lock was held by {who}."
            elif held:
                exc.message += f"\n  The lock was held by {who}."
            exc.hint = (
                "Nothing of this migration was kept. Run it again when that session is done "
                "(or end it: SELECT pg_terminate_backend(pid)), or raise lock_timeout or "
                "lock_retries."
            )
            return False
        # the queries that queued behind the failed attempt (up to a lock_timeout of
        # them) must drain before the next attempt queues them once more
        delay = self.backoff.delay(attempt, floor=self._waited)
        if self.on_retry is not None:
            where = f"{exc.path}:{exc.line}" if exc.line else str(exc.path)
            self.on_retry(
                f"{where}: lock_timeout (attempt {attempt} of {self.backoff.attempts}); "
                f"blocked by {who}; retrying in {delay:.1f} s"
            )
        time.sleep(delay)
        return True

    def _apply_in_transaction(
        self,
        migration: Migration,
        statements: tuple[Statement, ...],
        started: float,
        durable: bool,
    ) -> None:
        """Statements go in batches (see :data:`BATCHED`): BEGIN rides with the first,
        the history row and COMMIT with the last, so a one-statement migration is one
        round trip, and still atomic."""
        section = migration.up
        assert section is not None
        head = ["BEGIN", *(s.as_string(self.conn) for s in self._settings(migration))]
        if not durable:
            head.append("SET LOCAL synchronous_commit = off")
        done = 0
        reported = started
        try:
            for batch in _batches(statements):
                last = done + len(batch) == len(statements)
                tail = self._tail(migration, started) if last else ""
                self._send_batch(head if done == 0 else [], batch, tail, section)
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
            self._exec("RESET ALL")

    def _send_batch(
        self, head: list[str], batch: tuple[Statement, ...], tail: str, section: Section
    ) -> None:
        """Send ``head``, ``batch`` and ``tail`` in one message (the simple query protocol
        runs them in order and stops at the first error); on an error, name its statement.

        The server answers each statement that ran with a result of its own, so the
        results before the error count the statements that ran. An error found while
        the server parses the message comes before any result: its position says where.
        """
        import psycopg
        from psycopg import errors, generators
        from psycopg.pq import ExecStatus

        parts = [*head, *(s.sql for s in batch)]
        if tail:
            parts.append(tail)
        conn = self.conn
        try:
            with conn.lock:
                conn.pgconn.send_query(";\n".join(parts).encode(conn.info.encoding))
                results = conn.wait(generators.execute(conn.pgconn))
        except psycopg.Error as lost:  # the connection is gone: which statement ran is unknown
            raise self._statement_error(lost, batch[0], section) from lost
        self._sent += len(batch)
        if self._crash_after is not None and self._sent >= self._crash_after:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        failed = next(
            (i for i, r in enumerate(results) if r.status == ExecStatus.FATAL_ERROR), None
        )
        if failed is None:
            return
        exc = errors.error_from_result(results[failed], encoding=conn.info.encoding)
        starts = list(itertools.accumulate((len(p) + 2 for p in parts[:-1]), initial=0))
        position = exc.diag.statement_position
        index = bisect.bisect_right(starts, int(position) - 1) - 1 if position else failed
        index = min(max(index - len(head), 0), len(batch))
        if index == len(batch) and own_failure(exc, self.schema, batch[-1]):
            raise self._history_error(exc, section) from exc
        index = min(index, len(batch) - 1)  # COMMIT: a deferred check of the last one
        skip = starts[len(head) + index]
        raise self._statement_error(exc, batch[index], section, skip) from exc

    def _quote(self, value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return repr(value)
        if isinstance(value, str) and self._plain_strings and "\0" not in value:
            return "'" + value.replace("'", "''") + "'"
        return sql.Literal(value).as_string(self.conn)

    def _tail(self, migration: Migration, started: float) -> str:
        """The history row (replacing a repeatable's last one) and COMMIT, as SQL text."""
        values = self._params(migration, time.perf_counter() - started, "apply")
        if self._record_text is None:
            self._record_text = history.record_template(self.schema, self.conn)
            status = self.conn.info.parameter_status("standard_conforming_strings")
            self._plain_strings = status == "on"
        filled = {key: self._quote(values[key]) for key in history.RECORD_KEYS}
        tail = [OWN_ROLE, self._record_text.format(**filled), "COMMIT"]
        if migration.kind == "repeatable":
            forget = history.forget_literal(self.schema, True, values | {"action": "rerun"})
            tail.insert(1, forget.as_string(self.conn))
        return ";\n".join(tail)

    def _history_error(
        self,
        exc: Exception,
        source: Section | Migration,
        *,
        write: str = "its row in {schema}.history",
        transaction: bool = True,
    ) -> MigrationError:
        """pgshift's own write failed, not a statement of the migration: say so."""
        return own_write_error(
            exc,
            source.path,
            self.schema,
            self.conn.info.user,
            write=write,
            transaction=transaction,
        )

    def _own_write(
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
        migration's role switches in ``replay`` are made again afterwards (it goes on)."""
        import psycopg

        try:
            if reset:
                self._exec(OWN_ROLE)
            cursor = self._exec(query, params)
            for statement in replay:
                self._exec(statement.sql)
        except psycopg.Error as exc:
            raise self._history_error(
                exc, migration, write=write, transaction=migration.directives.transaction
            ) from exc
        return cursor

    def _record_applied(self, migration: Migration, started: float) -> None:
        if migration.kind == "repeatable":  # a re-run replaces the row of the last run
            self._own_write(migration, self._forget_repeatable, self._params(migration, 0, "rerun"))
        seconds = time.perf_counter() - started
        self._own_write(migration, self._record, self._params(migration, seconds, "apply"))

    def _apply_python(self, migration: Migration, started: float) -> None:
        module = load_python(migration.path)
        if migration.directives.transaction:
            with self.conn.transaction():
                for setting in self._settings(migration):
                    self._exec(setting)
                self._call(module.up, migration)
                self._record_applied(migration, started)
        else:
            self._call(module.up, migration)
            with self.conn.transaction():
                self._record_applied(migration, started)
        self._exec("RESET ALL")

    def _call(self, function: Callable[[Any], Any], migration: Migration) -> None:
        transaction = migration.directives.transaction
        with guarded(migration.path, "in the migration", transaction=transaction):
            function(self.conn)

    def _index_state(self, statement: Statement) -> bool | None:
        """For ``CREATE INDEX CONCURRENTLY name``: None if absent, else whether it is valid."""
        row = self.conn.execute(
            "SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
            "WHERE c.relname = %s "
            "AND c.relnamespace = ANY (current_schemas(false)::regnamespace[]) "
            "LIMIT 1",
            (statement.concurrent_index,),
        ).fetchone()
        return None if row is None else bool(row[0])

    def _run_journaled(
        self, statement: Statement, section: Section, statements: tuple[Statement, ...]
    ) -> None:
        """A statement that runs outside a transaction, retried after a lock timeout; a
        failed concurrent build's INVALID index is dropped before the next attempt."""
        attempt = 1
        budget = self._concurrent_budget(statement)
        if (
            statement.concurrent_index
            and statement.tree.get("if_not_exists")
            and self._index_state(statement) is False
        ):
            # IF NOT EXISTS would see the name and keep a broken index: build it anew
            self._drop_invalid(statement)
        while True:
            try:
                if budget is None:
                    self._run_statement(statement, section)
                else:
                    self._with_lock_timeout(budget, statement, section)
                return
            except MigrationError as exc:
                if exc.sqlstate != LOCK_NOT_AVAILABLE or attempt >= self.backoff.attempts:
                    if exc.sqlstate == LOCK_NOT_AVAILABLE:
                        self._again(exc, (statement,), attempt)  # name the blockers
                    raise
                if statement.concurrent_index and self._index_state(statement) is False:
                    self._drop_invalid(statement)
                if not self._again(exc, (statement,), attempt):
                    raise
                attempt += 1

    def _concurrent_budget(self, statement: Statement) -> float | None:
        """The lock_timeout a concurrent statement runs with, if not the migration's.

        A concurrent build waits for older transactions by design, without blocking
        the application meanwhile; cut short by a lock_timeout it leaves an INVALID
        index. So it gets its own budget (``concurrent_lock_timeout``: none by default).
        """
        concurrent = statement.concurrent_index or statement.concurrent_drop
        if not concurrent or (self.lock_timeout is None and not self._file_lock_timeout):
            return None
        return self.concurrent_lock_timeout or 0.0

    def _with_lock_timeout(self, seconds: float, statement: Statement, section: Section) -> None:
        self._exec(_set_lock_timeout(seconds))
        try:
            self._run_statement(statement, section)
        finally:
            if not self.conn.broken:
                restore = self._file_lock_timeout or self.lock_timeout
                self._exec(_set_lock_timeout(restore) if restore else "RESET lock_timeout")

    def _drop_invalid(self, statement: Statement) -> None:
        self._exec(
            sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(
                sql.Identifier(statement.concurrent_index or "")
            )
        )

    def _started(self, migration: Migration) -> bool:
        """Journal that ``migration`` starts; True if an earlier run had started it (the
        same file) and died before completing any statement."""
        params = {"version": migration.version, "checksum": migration.checksum}
        write = "its start in {schema}.journal"
        row = self._own_write(migration, self._start, params, write=write, reset=False).fetchone()
        return row is not None and row[0] == migration.checksum

    def _journaled(
        self, migration: Migration, journal: dict[str, Any], switched: list[Statement]
    ) -> None:
        """Journal a completed statement, as pgshift's role if the migration switched."""
        self._own_write(
            migration,
            self._journal,
            journal,
            write="its progress in {schema}.journal",
            reset=bool(switched),
            replay=switched,
        )

    def _apply_journaled(
        self,
        migration: Migration,
        statements: tuple[Statement, ...],
        resume_at: int,
        started: float,
    ) -> None:
        import psycopg

        section = migration.up
        assert section is not None
        for setting in self._settings(migration):
            self._exec(setting)
        self._file_lock_timeout = migration.directives.lock_timeout
        # Whether an earlier run died in this very file: then the statement after the
        # last journaled one (the first, when none was) may be half done.
        restarted = bool(resume_at) or self._started(migration)
        switched: list[Statement] = []  # role switches, made again after pgshift's writes
        for index, statement in enumerate(statements, start=1):
            if switches_role(statement):
                switched.append(statement)
            if index <= resume_at:
                if statement.session_setting:  # the dead session's settings died with it
                    self._run_statement(statement, section)
                continue
            journal = {
                "version": migration.version,
                "checksum": migration.checksum,
                "statement": index,
                "line": statement.line,
                "digest": statement.digest,
            }
            if not statement.outside_transaction:
                attempt = 1
                while True:
                    try:
                        with self.conn.transaction():
                            self._run_statement(statement, section)
                            self._journaled(migration, journal, switched)
                        break
                    except MigrationError as exc:
                        if not self._again(exc, (statement,), attempt):
                            raise
                        attempt += 1
                continue
            first_after_crash = restarted and index == resume_at + 1
            if statement.concurrent_index and first_after_crash:
                state = self._index_state(statement)
                if state is True:  # built, then the runner died before journaling it
                    self._journaled(migration, journal, switched)
                    continue
                if state is False:
                    self._drop_invalid(statement)
            try:
                self._run_journaled(statement, section, statements)
            except MigrationError as exc:
                if statement.concurrent_drop and first_after_crash and exc.sqlstate == "42704":
                    self._journaled(migration, journal, switched)  # dropped before the crash
                    continue
                if statement.concurrent_index and not self.conn.broken:
                    try:
                        if self._index_state(statement) is False:
                            self._drop_invalid(statement)
                            exc.hint += (
                                f" The INVALID index {statement.concurrent_index} that the "
                                "failed build left behind was dropped."
                            )
                    except psycopg.Error:
                        exc.hint += (
                            f" The failed build may have left an INVALID index "
                            f"{statement.concurrent_index}: drop it with DROP INDEX "
                            "CONCURRENTLY before retrying."
                        )
                done = index - 1
                exc.message += (
                    f"\n  This no-transaction migration stopped at statement {index} of "
                    f"{len(statements)}; statements 1-{done} ran and stay applied (journaled)."
                    if done
                    else f"\n  This no-transaction migration stopped at its first statement "
                    f"(of {len(statements)})."
                )
                exc.hint += " Fix the cause and run migrate again: it resumes at that statement."
                raise
            self._journaled(migration, journal, switched)
        with self.conn.transaction():
            self._record_applied(migration, started)
            self._own_write(migration, self._clear, (migration.version,), reset=False)
        self._exec("RESET ALL")

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
                    self._own_write(migration, forget, params, write=unrecord)
            else:
                self._call(module.down, migration)
                self._own_write(migration, forget, params, write=unrecord)
        else:
            assert migration.down is not None
            if migration.reverts_in_transaction:
                with self.conn.transaction():
                    for setting in self._settings(migration):
                        self._exec(setting)
                    for statement in statements:
                        self._run_statement(statement, migration.down)
                    self._own_write(migration, forget, params, write=unrecord)
            else:
                for setting in self._settings(migration):
                    self._exec(setting)
                for statement in statements:
                    self._run_statement(statement, migration.down)
                self._own_write(migration, forget, params, write=unrecord)
        self._exec("RESET ALL")
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
        lines = [f"-- {migration.name}"]
        transactional = migration.directives.transaction
        if migration.language == "python":
            lines.append(f"-- (Python migration: up(conn) in {migration.path})")
        if transactional:
            lines.append("BEGIN;")
        lines.extend(s.as_string(self.conn) + ";" for s in self._settings(migration))
        lines.extend(f"{s.sql};" for s in statements)
        record = sql.SQL(
            "INSERT INTO {}.history (version, slug, kind, checksum, pgshift_version) "
            "VALUES ({}, {}, {}, {}, {});"
        ).format(
            sql.Identifier(self.schema),
            sql.Literal(migration.version),
            sql.Literal(migration.slug),
            sql.Literal("baseline" if migration.baseline else migration.kind),
            sql.Literal(migration.checksum),
            sql.Literal(self.pgshift_version),
        )
        lines.append(record.as_string(self.conn))
        if transactional:
            lines.append("COMMIT;")
        return "\n".join(lines)


def _batches(statements: tuple[Statement, ...]) -> Iterator[tuple[Statement, ...]]:
    """Runs of consecutive statements that change rows, of about :data:`BATCH`
    characters each; every other statement alone."""
    first = size = 0
    for index, statement in enumerate(statements):
        if statement.node not in BATCHED:
            if first < index:
                yield statements[first:index]
            yield statements[index : index + 1]
            first, size = index + 1, 0
            continue
        size += len(statement.sql)
        if size >= BATCH:
            yield statements[first : index + 1]
            first, size = index + 1, 0
    if first < len(statements):
        yield statements[first:]


def _set_lock_timeout(seconds: float) -> sql.Composed:
    return sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{round(seconds * 1000)}ms"))
