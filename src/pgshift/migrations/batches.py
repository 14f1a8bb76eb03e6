"""A transactional SQL migration sent to the server a batch of statements at a time.

Statements that change rows go several at a time (the thousands of INSERTs of a
data migration), in batches of about :data:`BATCH` characters; any other
statement goes alone, so that pg_stat_activity and the server's log show it as
it runs (a long index build, a table rewrite). A batch is one message of the
simple query protocol; when it fails, the results that came back before the
error say which statement of it failed.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from psycopg import sql

from pgshift.migrations import history
from pgshift.migrations.failures import statement_error
from pgshift.migrations.owntables import OWN_ROLE, own_failure, own_write_error

if TYPE_CHECKING:
    import psycopg

    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.sections import Section
    from pgshift.migrations.statements import Statement

BATCHED = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})
BATCH = 1 << 16


def batches(statements: tuple[Statement, ...]) -> Iterator[tuple[Statement, ...]]:
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


def send_batch(
    conn: psycopg.Connection[Any],
    schema: str,
    head: list[str],
    batch: tuple[Statement, ...],
    tail: str,
    section: Section,
    *,
    sent: Callable[[int], None],
) -> None:
    """Send ``head``, ``batch`` and ``tail`` in one message (the simple query protocol
    runs them in order and stops at the first error); on an error, name its statement.

    ``sent`` is told how many statements of the migration went once the server has
    answered. The server answers each statement that ran with a result of its own,
    so the results before the error count the statements that ran. An error found
    while the server parses the message comes before any result: its position says
    where.
    """
    import psycopg
    from psycopg import errors, generators
    from psycopg.pq import ExecStatus

    parts = [*head, *(s.sql for s in batch)]
    if tail:
        parts.append(tail)
    try:
        with conn.lock:
            conn.pgconn.send_query(";\n".join(parts).encode(conn.info.encoding))
            results = conn.wait(generators.execute(conn.pgconn))
    except psycopg.Error as lost:  # the connection is gone: which statement ran is unknown
        raise statement_error(conn, lost, batch[0], section) from lost
    sent(len(batch))
    failed = next((i for i, r in enumerate(results) if r.status == ExecStatus.FATAL_ERROR), None)
    if failed is None:
        return
    exc = errors.error_from_result(results[failed], encoding=conn.info.encoding)
    starts = list(itertools.accumulate((len(p) + 2 for p in parts[:-1]), initial=0))
    position = exc.diag.statement_position
    index = bisect.bisect_right(starts, int(position) - 1) - 1 if position else failed
    index = min(max(index - len(head), 0), len(batch))
    if index == len(batch) and own_failure(exc, schema, batch[-1]):
        raise own_write_error(exc, section.path, schema, conn.info.user) from exc
    index = min(index, len(batch) - 1)  # COMMIT: a deferred check of the last one
    skip = starts[len(head) + index]
    raise statement_error(conn, exc, batch[index], section, skip) from exc


class HistoryTail:
    """The history row of a migration and COMMIT as SQL text, to ride with its last
    batch (the INSERT is composed once per runner, filled once per migration)."""

    def __init__(self, conn: psycopg.Connection[Any], schema: str) -> None:
        self.conn = conn
        self.schema = schema
        self._record: str | None = None
        self._plain_strings = False

    def text(self, migration: Migration, values: dict[str, Any]) -> str:
        """The history row of ``values`` (replacing a repeatable's last one) and COMMIT."""
        if self._record is None:
            self._record = history.record_template(self.schema, self.conn)
            status = self.conn.info.parameter_status("standard_conforming_strings")
            self._plain_strings = status == "on"
        filled = {key: self._quote(values[key]) for key in history.RECORD_KEYS}
        tail = [OWN_ROLE, self._record.format(**filled), "COMMIT"]
        if migration.kind == "repeatable":
            forget = history.forget_literal(self.schema, True, values | {"action": "rerun"})
            tail.insert(1, forget.as_string(self.conn))
        return ";\n".join(tail)

    def _quote(self, value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return repr(value)
        if isinstance(value, str) and self._plain_strings and "\0" not in value:
            return "'" + value.replace("'", "''") + "'"
        return sql.Literal(value).as_string(self.conn)
