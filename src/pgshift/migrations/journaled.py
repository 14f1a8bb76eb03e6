"""A no-transaction migration, run statement by statement and journaled as it goes.

Each completed statement gets a journal row, in the same transaction as the
statement when it can run in one, so a run that dies part-way resumes after the
last completed statement. A statement that runs outside a transaction (a
concurrent index build or drop) is retried after a lock timeout; a failed
concurrent build's INVALID index is dropped, and when a crash came right after
such a statement, what it left behind decides whether it runs again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg import sql

from pgshift.errors import MigrationError
from pgshift.migrations import history
from pgshift.migrations.owntables import switches_role
from pgshift.migrations.retry import LOCK_NOT_AVAILABLE

if TYPE_CHECKING:
    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.runner import Runner
    from pgshift.migrations.statements import Statement


class JournaledRun:
    """One no-transaction SQL migration, applied by ``runner``."""

    def __init__(
        self, runner: Runner, migration: Migration, statements: tuple[Statement, ...]
    ) -> None:
        section = migration.up
        assert section is not None
        self.runner = runner
        self.conn = runner.conn
        self.migration = migration
        self.statements = statements
        self.section = section
        self.switched: list[Statement] = []  # role switches, made again after pgshift's writes
        self._start = history.start_query(runner.schema)
        self._journal = history.journal_query(runner.schema)
        self._clear = history.clear_journal_query(runner.schema)

    def apply(self, resume_at: int, started: float) -> None:
        """Run the statements after the first ``resume_at`` (journaled by an earlier
        run), then record the migration and clear its journal."""
        import psycopg

        runner, migration, statements = self.runner, self.migration, self.statements
        for setting in runner.settings(migration):
            runner.execute(setting)
        # Whether an earlier run died in this very file: then the statement after the
        # last journaled one (the first, when none was) may be half done.
        restarted = bool(resume_at) or self._started()
        for index, statement in enumerate(statements, start=1):
            if switches_role(statement):
                self.switched.append(statement)
            if index <= resume_at:
                if statement.session_setting:  # the dead session's settings died with it
                    runner.run_statement(statement, self.section)
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
                            runner.run_statement(statement, self.section)
                            self._journaled(journal)
                        break
                    except MigrationError as exc:
                        if not runner.again(exc, (statement,), attempt):
                            raise
                        attempt += 1
                continue
            first_after_crash = restarted and index == resume_at + 1
            if statement.concurrent_index and first_after_crash:
                state = self._index_state(statement)
                if state is True:  # built, then the runner died before journaling it
                    self._journaled(journal)
                    continue
                if state is False:
                    self._drop_invalid(statement)
            try:
                self._run_outside(statement)
            except MigrationError as exc:
                if statement.concurrent_drop and first_after_crash and exc.sqlstate == "42704":
                    self._journaled(journal)  # dropped before the crash
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
            self._journaled(journal)
        with self.conn.transaction():
            runner.record_applied(migration, started)
            runner.own_write(migration, self._clear, (migration.version,), reset=False)
        runner.execute("RESET ALL")

    def _started(self) -> bool:
        """Journal that the migration starts; True if an earlier run had started it (the
        same file) and died before completing any statement."""
        migration = self.migration
        params = {"version": migration.version, "checksum": migration.checksum}
        write = "its start in {schema}.journal"
        row = self.runner.own_write(
            migration, self._start, params, write=write, reset=False
        ).fetchone()
        return row is not None and row[0] == migration.checksum

    def _journaled(self, journal: dict[str, Any]) -> None:
        """Journal a completed statement, as pgshift's role if the migration switched."""
        self.runner.own_write(
            self.migration,
            self._journal,
            journal,
            write="its progress in {schema}.journal",
            reset=bool(self.switched),
            replay=self.switched,
        )

    def _run_outside(self, statement: Statement) -> None:
        """A statement that runs outside a transaction, retried after a lock timeout; a
        failed concurrent build's INVALID index is dropped before the next attempt."""
        runner = self.runner
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
                    runner.run_statement(statement, self.section)
                else:
                    self._with_lock_timeout(budget, statement)
                return
            except MigrationError as exc:
                if exc.sqlstate != LOCK_NOT_AVAILABLE or attempt >= runner.backoff.attempts:
                    if exc.sqlstate == LOCK_NOT_AVAILABLE:
                        runner.again(exc, (statement,), attempt)  # name the blockers
                    raise
                if statement.concurrent_index and self._index_state(statement) is False:
                    self._drop_invalid(statement)
                if not runner.again(exc, (statement,), attempt):
                    raise
                attempt += 1

    def _concurrent_budget(self, statement: Statement) -> float | None:
        """The lock_timeout a concurrent statement runs with, if not the migration's.

        A concurrent build waits for older transactions by design, without blocking
        the application meanwhile; cut short by a lock_timeout it leaves an INVALID
        index. So it gets its own budget (``concurrent_lock_timeout``: none by default).
        """
        concurrent = statement.concurrent_index or statement.concurrent_drop
        if not concurrent or (
            self.runner.lock_timeout is None and not self.migration.directives.lock_timeout
        ):
            return None
        return self.runner.concurrent_lock_timeout or 0.0

    def _with_lock_timeout(self, seconds: float, statement: Statement) -> None:
        runner = self.runner
        runner.execute(_set_lock_timeout(seconds))
        try:
            runner.run_statement(statement, self.section)
        finally:
            if not self.conn.broken:
                restore = self.migration.directives.lock_timeout or runner.lock_timeout
                runner.execute(_set_lock_timeout(restore) if restore else "RESET lock_timeout")

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

    def _drop_invalid(self, statement: Statement) -> None:
        self.runner.execute(
            sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(
                sql.Identifier(statement.concurrent_index or "")
            )
        )


def _set_lock_timeout(seconds: float) -> sql.Composed:
    return sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{round(seconds * 1000)}ms"))
