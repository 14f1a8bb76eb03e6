"""The migration lock: a session-level advisory lock, polled, never blocking.

``pg_advisory_lock`` would block inside the server, and a blocked session
deadlocks with a ``CREATE INDEX CONCURRENTLY`` run by the holder; so the lock is
polled with ``pg_try_advisory_lock`` from a connection of its own that stays idle,
in autocommit, holding no snapshot. Its key is derived from the history table's
name, so two projects with different schemas in one database do not contend.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pgshift.errors import LockTimeout, PoolerDetected

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)


def lock_key(schema: str) -> int:
    """A signed 64-bit key for ``<schema>.history``, the same in every pgshift process."""
    digest = hashlib.sha256(f"pgshift:{schema}.history".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def work_key(schema: str) -> int:
    """The key that marks the sessions a locked runner runs migrations on."""
    digest = hashlib.sha256(f"pgshift:{schema}.work".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock, as ``pg_stat_activity`` sees it."""

    pid: int
    application: str
    user: str
    client: str | None
    since: datetime | None
    state: str | None

    def describe(self) -> str:
        """``pid 123 (pgshift, user app, from 10.0.0.5, since 12:00:01)``."""
        parts = [self.application or "no application name", f"user {self.user}"]
        if self.client:
            parts.append(f"from {self.client}")
        if self.since:
            parts.append(f"connected since {self.since:%Y-%m-%d %H:%M:%S%z}")
        return f"pid {self.pid} ({', '.join(parts)})"


_HOLDING = """
WHERE l.locktype = 'advisory' AND l.granted AND l.database = (
        SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = ((%(key)s >> 32) & 4294967295)::oid
  AND l.objid = (%(key)s & 4294967295)::oid
  AND l.objsubid = 1
"""

_HOLDER_SQL = f"""
SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''),
       host(a.client_addr), a.backend_start, a.state
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
{_HOLDING}
LIMIT 1
"""

_ORPHANS_SQL = f"SELECT l.pid FROM pg_locks l {_HOLDING} AND l.pid <> pg_backend_pid()"


def holder(conn: psycopg.Connection[Any], key: int) -> Holder | None:
    """The session holding the advisory lock ``key``, if any."""
    row = conn.execute(_HOLDER_SQL, {"key": key}).fetchone()
    return Holder(*row) if row else None


class AdvisoryLock:
    """Hold the migration lock on ``conn`` (its own, autocommit connection) for a run."""

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        schema: str,
        *,
        wait: float,
        on_wait: Callable[[Holder | None], None] | None = None,
        allow_pooler: bool = False,
    ) -> None:
        self.conn = conn
        self.allow_pooler = allow_pooler
        self.key = lock_key(schema)
        self.wait = wait
        self.on_wait = on_wait
        self.held = False

    def _try(self) -> bool:
        row = self.conn.execute(
            "SELECT pg_try_advisory_lock(%s), pg_backend_pid()", (self.key,)
        ).fetchone()
        got = bool(row and row[0])
        server_pid = row[1] if row else None
        if server_pid != self.conn.info.backend_pid and not self.allow_pooler:
            if got:  # on this statement's backend, whichever it was
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            raise PoolerDetected(
                "pgshift is connected through a connection pooler or proxy: the server "
                f"runs this session as backend {server_pid}, the connection was told "
                f"{self.conn.info.backend_pid}. Behind a pooler in transaction mode a session "
                "lock does not keep two runners apart, and nothing was run.",
                "Point pgshift at PostgreSQL itself (a direct URL for migrations), or, if the "
                "pooler keeps one server session per client (session mode), pass "
                "--allow-pooler.",
            )
        return got

    def acquire(self) -> None:
        """Poll until the lock is ours, or raise :class:`LockTimeout` after ``wait`` seconds."""
        deadline = time.monotonic() + self.wait
        delay = 0.05
        reported = False
        while not self._try():
            if not reported:
                reported = True
                who = holder(self.conn, self.key)
                log.info("waiting for the migration lock held by %s", who and who.describe())
                if self.on_wait is not None:
                    self.on_wait(who)
            if time.monotonic() >= deadline:
                who = holder(self.conn, self.key)
                held_by = who.describe() if who else "a session that has since gone"
                raise LockTimeout(
                    f"waited {self.wait:g}s for the migration lock; it is held by {held_by}.",
                    "Another pgshift is migrating this database. Wait for it to finish, raise "
                    "--lock-wait, or, if that session is stuck, end it with "
                    f"SELECT pg_terminate_backend({who.pid if who else 'pid'}).",
                )
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)))
            delay = min(delay * 1.5, 0.5)
        self.held = True

    def release(self) -> None:
        """Give the lock back (closing the connection would too)."""
        if self.held and not self.conn.closed:
            try:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except Exception:  # the session is gone, and the lock with it
                log.debug("advisory unlock failed; the session is gone", exc_info=True)
        self.held = False

    def __enter__(self) -> AdvisoryLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def mark_work(conn: psycopg.Connection[Any], schema: str) -> None:
    """Mark ``conn`` as the session a runner holding the migration lock works on.

    A shared lock: it never waits, and a marked session left behind by a killed runner
    does not stop the next runner from marking its own."""
    conn.execute("SELECT pg_try_advisory_lock_shared(%s)", (work_key(schema),))


def unmark_work(conn: psycopg.Connection[Any], schema: str) -> None:
    """Drop the mark before closing: a closed session lets go of its locks a moment
    after the client has gone, and the lock's holder says it is done right after."""
    from psycopg.pq import TransactionStatus

    try:
        if conn.closed or conn.info.transaction_status == TransactionStatus.ACTIVE:
            return
        if conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("ROLLBACK")  # an interrupted migration's: it is closed anyway
        conn.execute("SELECT pg_advisory_unlock_shared(%s)", (work_key(schema),))
    except Exception:  # the session is gone, and its lock with it
        log.debug("advisory unlock of the work session failed", exc_info=True)


def end_orphans(conn: psycopg.Connection[Any], schema: str, *, wait: float = 10.0) -> list[int]:
    """End the work sessions of runners that died, on ``conn``, which holds the lock.

    A runner killed while its statement runs leaves that session behind, holding the
    locks of its open transaction: before PostgreSQL 14 (client_connection_check_interval)
    the server notices the client is gone only when the statement ends, which may be
    long after. The lock's own session, idle, ends at once, so the next runner gets the
    migration lock and would then wait on those locks. A marked session that is still
    there once we hold the lock cannot be a live runner's (a runner marks its session
    only under the lock, and unmarks it before letting go), so it is ended, and its
    transaction rolls back. Returns the pids ended; none if this role may not end them.
    """
    import psycopg

    key = {"key": work_key(schema)}
    pids = [row[0] for row in conn.execute(_ORPHANS_SQL, key).fetchall()]
    ended: list[int] = []
    for pid in pids:
        try:
            row = conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
        except psycopg.Error:  # another role's, and ours may not signal it: we wait instead
            log.info("cannot end session %s left by a killed runner", pid, exc_info=True)
            continue
        if row and row[0]:
            ended.append(pid)
    deadline = time.monotonic() + wait
    while ended and time.monotonic() < deadline:
        # a terminated session lets go of its locks when its rollback is done
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (ended,)
        ).fetchone()
        if not row or not row[0]:
            break
        time.sleep(0.05)
    return ended
