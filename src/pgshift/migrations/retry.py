"""Lock timeouts and retries: who blocked a statement, and how long to wait before trying again.

A statement that cannot get its lock within ``lock_timeout`` fails with SQLSTATE
55P03 instead of queueing every later query on the table behind it; the runner
then rolls the attempt back, names the sessions that held the table, waits a
jittered, growing delay and tries again, a bounded number of times.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from pgshift.errors import MigrationError
    from pgshift.migrations.statements import Statement

LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True, slots=True)
class Blocker:
    """A session that held a lock on a table the statement needed."""

    pid: int
    state: str
    seconds: float  # how long its transaction (or query) has been running
    query: str
    modes: str

    def describe(self) -> str:
        """``pid 123 (idle in transaction for 12.5 s, RowExclusiveLock): UPDATE ...``."""
        query = " ".join(self.query.split())
        query = query if len(query) <= 80 else query[:77] + "..."
        return f"pid {self.pid} ({self.state} for {self.seconds:.1f} s, {self.modes}): {query}"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Jittered exponential backoff: ``base``, ``2 × base``, ... up to ``cap`` seconds."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0

    def delay(
        self, attempt: int, rand: Callable[[], float] = random.random, floor: float = 0.0
    ) -> float:
        """The wait after failed attempt ``attempt`` (1-based): half to all of the step.

        ``floor`` seconds come first, unjittered: the time the queries that queued
        behind the failed attempt need to drain.
        """
        step = min(self.cap, self.base * 2.0 ** (attempt - 1))
        return floor + step * (0.5 + rand() / 2)


def tables_of(statement: Statement) -> list[str]:
    """The tables a statement names (``schema.name`` or ``name``)."""
    from pgshift.migrations.tree import relation

    # range variables appear bare (a field typed RangeVar) or wrapped: find any dict
    # with a relname, however it is reached
    names: set[str] = set()
    stack: list[Any] = [statement.tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "relname" in item:
                names.add(relation(item))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(n for n in names if n)


BLOCKERS_SQL = """
SELECT a.pid, coalesce(a.state, ''),
       extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::float8,
       coalesce(a.query, ''), string_agg(DISTINCT l.mode, ', ' ORDER BY l.mode)
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.pid <> ALL (%(own)s)
  AND l.relation IN (SELECT to_regclass(t) FROM unnest(%(tables)s::text[]) t)
GROUP BY 1, 2, 3, 4
ORDER BY 3 DESC
"""


def blockers(observer: psycopg.Connection[Any], tables: list[str], own: list[int]) -> list[Blocker]:
    """The other sessions holding locks on ``tables``, the longest-running first.

    Read on ``observer``, a connection that is not the one that timed out (its
    wait is over by now); never raises: a report that cannot be made is empty.
    """
    if not tables:
        return []
    try:
        rows = observer.execute(BLOCKERS_SQL, {"own": own, "tables": tables}).fetchall()
    except Exception:  # a report, never a reason to fail
        return []
    return [
        Blocker(pid, state or "active", seconds or 0.0, query, modes)
        for pid, state, seconds, query, modes in rows
    ]


def again(
    exc: MigrationError,
    statements: Sequence[Statement],
    attempt: int,
    *,
    conn: psycopg.Connection[Any],
    observer: psycopg.Connection[Any] | None,
    backoff: Backoff,
    on_retry: Callable[[str], None] | None,
    waited: float,
) -> bool:
    """After a lock timeout of ``conn``: report the blockers, wait, and say whether to
    try again; ``waited`` is the lock_timeout the failed attempt waited.

    On the last attempt the blockers go into the error instead.
    """
    if exc.sqlstate != LOCK_NOT_AVAILABLE or conn.broken:
        return False
    failed = next((s for s in statements if s.line == exc.line), None)
    own = [conn.info.backend_pid]
    if observer is not None:
        own.append(observer.info.backend_pid)
    held = (
        blockers(observer, tables_of(failed), own)
        if observer is not None and failed is not None
        else []
    )
    who = "; ".join(b.describe() for b in held[:3]) or "a session that has since let go"
    if attempt >= backoff.attempts:
        if backoff.attempts > 1:
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
    delay = backoff.delay(attempt, floor=waited)
    if on_retry is not None:
        where = f"{exc.path}:{exc.line}" if exc.line else str(exc.path)
        on_retry(
            f"{where}: lock_timeout (attempt {attempt} of {backoff.attempts}); "
            f"blocked by {who}; retrying in {delay:.1f} s"
        )
    time.sleep(delay)
    return True
