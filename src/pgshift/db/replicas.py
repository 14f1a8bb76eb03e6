"""Replicas within a bound: how far behind the primary each replica replays, and waits.

The replicas are the physical standbys the primary lists in ``pg_stat_replication``
and any standby URLs given (``replicas`` in the settings), read directly with
``pg_last_wal_replay_lsn()``.

How lag is measured. ``replay_lag`` alone is wrong both ways: it goes NULL once a
standby is idle and caught up, stops growing while replay is paused (before
PostgreSQL 18), and counts the standby's wait to report (up to its
``wal_receiver_status_interval``, 10 s by default) as lag. So every check records a
sample (monotonic time, the primary's WAL insert position), and a replica's lag is the
age of the oldest sample it had not replayed when its position was read: WAL past that
position existed at the sample's time and was not applied then. A standby read through
the primary is read as of its last report (``reply_time``); a replica URL, now. A
replica that has replayed the primary's current position has lag 0. When it was
already behind at the first sample, ``replay_lag`` is taken too (the larger wins): it
covers what happened before. The measure is a lower bound, short by at most one check
interval plus, through the primary, the time since the standby's last report.

A replica whose replay position does not move for ``stall_timeout`` seconds while it
is behind is reported (an event and a note) and no longer waited on by
:meth:`ReplicaWatch.wait_below` in this run.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgshift.errors import ConfigError, ConnectError, PgshiftError
from pgshift.events import Event, EventHandler, emit

if TYPE_CHECKING:
    import psycopg

# One round trip: the primary's position, and each physical standby that replays (a
# pg_basebackup's or pg_receivewal's stream has no replay position; logical senders
# are connected to a database, physical ones are not).
_PRIMARY = """
SELECT pg_current_wal_insert_lsn()::text, current_setting('wal_block_size')::int,
       extract(epoch FROM clock_timestamp() - r.reply_time)::float8,
       r.pid, r.application_name, host(r.client_addr), r.replay_lsn::text,
       extract(epoch FROM r.replay_lag)::float8
FROM (VALUES (1)) AS one (x)
LEFT JOIN (
    SELECT s.* FROM pg_stat_replication s JOIN pg_stat_activity a ON a.pid = s.pid
    WHERE a.datid IS NULL AND s.state IS DISTINCT FROM 'backup'
) AS r ON true
"""
_PRIVILEGED = "SELECT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')"
_SENDERS = "SELECT count(*) FROM pg_stat_replication"
_REPLICA = "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text"
_SAMPLES_KEPT = 100_000
# a replica's pace is what it replayed while behind over the last seconds, once known
_PACE_WINDOW = 10.0
_PACE_KNOWN = 0.5


def parse_lsn(text: str) -> int:
    """``16/B374D848`` as a byte position."""
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def _inserted(text: str, block: int) -> int:
    """The primary's insert position as a replay position can equal it.

    The insert position includes WAL not yet written (an asynchronous commit's), which
    a run's last commit may be. At a page boundary it points past the page's header
    (24 bytes, 40 at a segment's start), where no record ends: that is the boundary."""
    lsn = parse_lsn(text)
    return lsn - lsn % block if lsn % block in (24, 40) else lsn


def _size(count: int) -> str:
    return f"{count / 1_048_576:.1f} MB" if count >= 1_048_576 else f"{count / 1024:.0f} kB"


@dataclass(frozen=True, slots=True)
class ReplicaLag:
    """One replica at one check."""

    name: str
    replayed: int  # the WAL position it has replayed
    behind: int  # bytes of WAL the primary has and it has not replayed
    lag: float  # seconds (see the module's docstring)
    stalled: bool = False  # reported as not replaying; no longer waited on
    catch_up: float = 0.0  # seconds to replay what it is behind, at its recent pace

    @property
    def expected(self) -> float:
        """The lag to expect of the WAL written now: its lag, or the time it needs to
        replay what it is behind, whichever is more."""
        return max(self.lag, self.catch_up)


@dataclass(slots=True)
class _Replica:
    name: str
    replayed: int
    moved_at: float  # when its position last moved (or it was last caught up)
    lag: float = 0.0
    behind: int = 0
    stalled: bool = False
    url: str | None = None
    conn: psycopg.Connection[Any] | None = None
    seen: bool = True  # still listed by the primary at the last check
    read_at: float = 0.0
    catch_up: float = 0.0
    # (read at, seconds, bytes replayed) between readings while it was behind: its pace
    pace: deque[tuple[float, float, int]] = field(default_factory=deque)


class ReplicaWatch:
    """Reads the replicas' replay lag through ``primary`` (left idle, holding no
    snapshot, after each read) and waits on it.

    ``max_lag``: the bound of :meth:`wait_below` (seconds). ``stall_timeout``: a replica
    behind whose position does not move this long is reported and skipped.
    ``on_event`` gets a ``wait`` event at most every ``report_every`` seconds while
    waiting, and a ``note`` for each replica reported."""

    def __init__(
        self,
        primary: psycopg.Connection[Any],
        replica_urls: Sequence[str] = (),
        *,
        max_lag: float | None = None,
        stall_timeout: float = 60.0,
        on_event: EventHandler | None = None,
        poll: float = 0.1,
        report_every: float = 1.0,
        connect_timeout: float = 10.0,
        application_name: str = "pgshift",
    ) -> None:
        self.primary = primary
        self.max_lag = max_lag
        self.stall_timeout = stall_timeout
        self.on_event = on_event
        self.poll = poll
        self.report_every = report_every
        self.notes: list[str] = []
        self.waited = 0.0  # seconds spent in wait_below, in all
        self._samples: deque[tuple[float, int]] = deque()
        self._replicas: dict[object, _Replica] = {}
        self._reported = -float("inf")
        self._read_senders = self._can_read_senders(bool(replica_urls))
        now = time.monotonic()
        try:
            for url in dict.fromkeys(replica_urls):
                conn = self._connect(url, connect_timeout, application_name)
                self._replicas[("url", url)] = _Replica(_describe(url), 0, now, url=url, conn=conn)
        except BaseException:
            self.close()
            raise

    # -- set-up --------------------------------------------------------------------

    def _can_read_senders(self, have_urls: bool) -> bool:
        """Whether the role reads the standbys' positions; without pg_monitor (or
        pg_read_all_stats) they read NULL, and a wait on them would never end."""
        privileged, senders = self._query_primary(f"{_PRIVILEGED}, ({_SENDERS})")[0]
        if privileged or not senders:
            return bool(privileged)
        user = self.primary.info.user
        if have_urls:
            self._note(
                f"role {user} cannot read the replay positions in pg_stat_replication (it "
                "lacks pg_monitor): only the replicas listed in 'replicas' are watched"
            )
            return False
        raise ConfigError(
            f"pgshift is to wait for replicas, and role {user} cannot read how far the "
            f"{senders} standby(s) in pg_stat_replication have replayed: without pg_monitor "
            "(or pg_read_all_stats) the position columns read NULL, and pgshift would wait "
            "on them for ever.",
            f"Grant it: GRANT pg_monitor TO {user}; or list the replicas' URLs in "
            "'replicas' (pgshift.toml, PGSHIFT_REPLICAS or --replica) to read them directly.",
        )

    @staticmethod
    def _connect(url: str, timeout: float, application_name: str) -> psycopg.Connection[Any]:
        from pgshift.db.connection import connect

        where = _describe(url)
        try:
            conn = connect(url, connect_timeout=timeout, application_name=application_name)
        except ConnectError as exc:
            raise ConnectError(
                f"replica {where}: {exc.message}",
                "Check its URL in 'replicas' (pgshift.toml, PGSHIFT_REPLICAS or --replica): "
                "is the standby running and accepting connections there? pgshift never "
                "prints the password.",
            ) from exc
        try:
            row = conn.execute(_REPLICA).fetchone()
        except Exception:
            conn.close()
            raise
        if row is None or not row[0]:
            conn.close()
            raise ConfigError(
                f"replica {where} is not a standby (pg_is_in_recovery() is false): "
                "it replays nothing, so its lag cannot be read.",
                "List only streaming standbys in 'replicas'; is that URL the primary's?",
            )
        return conn

    def close(self) -> None:
        """Close the replicas' connections (the primary's is the caller's)."""
        for replica in self._replicas.values():
            if replica.conn is not None:
                replica.conn.close()
                replica.conn = None

    def __enter__(self) -> ReplicaWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------

    def _query_primary(self, query: str) -> list[tuple[Any, ...]]:
        """Rows of ``query`` on the primary, its connection left idle without a snapshot
        (the migration lock's session: a snapshot there would hold up CONCURRENTLY)."""
        from psycopg.pq import TransactionStatus

        conn = self.primary
        opened = not conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE
        try:
            return conn.execute(query, prepare=False).fetchall()
        finally:
            if opened:
                conn.rollback()

    def check(self) -> list[ReplicaLag]:
        """Read every replica once; report the ones that stalled; their lags now."""
        rows = self._query_primary(_PRIMARY)
        now = time.monotonic()
        current = _inserted(rows[0][0], rows[0][1])
        self._samples.append((now, current))
        if len(self._samples) > _SAMPLES_KEPT:
            self._samples.popleft()
        for replica in self._replicas.values():
            if replica.url is None:
                replica.seen = False
        if self._read_senders:
            for _, _, reported, pid, app, addr, replay, replay_lag in rows:
                if pid is None or replay is None:
                    continue
                key = ("sender", pid)
                name = f"{app or 'standby'}@{addr or 'local'} (pid {pid})"
                if key not in self._replicas:
                    self._replicas[key] = _Replica(name, parse_lsn(replay), now)
                replica = self._replicas[key]
                replica.seen = True
                # its position is as of its last report (clamped: clocks may differ)
                read_at = now - min(max(reported or 0.0, 0.0), now - self._samples[0][0])
                self._update(replica, parse_lsn(replay), replay_lag, current, now, read_at)
        for replica in self._replicas.values():
            if replica.url is not None:
                self._update(replica, self._read_replica(replica), None, current, now, now)
        self._trim()
        return [
            ReplicaLag(r.name, r.replayed, r.behind, r.lag, r.stalled, r.catch_up)
            for r in self._replicas.values()
            if r.seen
        ]

    def _read_replica(self, replica: _Replica) -> int:
        """A standby's replay position; the last one known when it cannot be read now
        (it then counts as not moving, and is reported once that lasts)."""
        import psycopg

        assert replica.url is not None
        try:
            if replica.conn is None or replica.conn.closed:
                replica.conn = self._connect(replica.url, 5.0, "pgshift")
            row = replica.conn.execute(_REPLICA, prepare=False).fetchone()
        except (psycopg.Error, PgshiftError):
            if replica.conn is not None:
                replica.conn.close()
                replica.conn = None
            return replica.replayed
        return parse_lsn(row[1]) if row and row[1] else replica.replayed

    def _update(
        self,
        replica: _Replica,
        replayed: int,
        replay_lag: float | None,
        current: int,
        now: float,
        read_at: float,
    ) -> None:
        """``replayed``: its position as of ``read_at`` (monotonic)."""
        if replayed != replica.replayed or replayed >= current:
            replica.moved_at = now
        if replica.behind and read_at > replica.read_at:  # it had work all along
            replica.pace.append((read_at, read_at - replica.read_at, replayed - replica.replayed))
        while replica.pace and replica.pace[0][0] < read_at - _PACE_WINDOW:
            replica.pace.popleft()
        replica.read_at = read_at
        replica.replayed = replayed
        replica.behind = max(current - replayed, 0)
        if not replica.behind:
            replica.lag = replica.catch_up = 0.0
            return
        # WAL written now is replayed once what is ahead of it is: the lag it will have
        seconds = sum(p[1] for p in replica.pace)
        if seconds >= _PACE_KNOWN:
            done = sum(p[2] for p in replica.pace)
            replica.catch_up = replica.behind * seconds / done if done > 0 else float("inf")
        else:
            replica.catch_up = 0.0
        oldest = next((t for t, lsn in self._samples if lsn > replayed), read_at)
        replica.lag = max(read_at - oldest, 0.0)
        if self._samples[0][1] > replayed:  # behind since before the first sample
            replica.lag = max(replica.lag, replay_lag or 0.0)
        if replica.behind and not replica.stalled and now - replica.moved_at >= self.stall_timeout:
            replica.stalled = True
            self._note(
                f"replica {replica.name} has replayed nothing for {now - replica.moved_at:.0f} s "
                f"while {_size(replica.behind)} behind (is its replay paused, or is it cut "
                "off?): pgshift no longer waits for it in this run"
            )

    def _trim(self) -> None:
        """Forget the samples every replica has replayed but the last such one."""
        replayed = [r.replayed for r in self._replicas.values() if r.seen]
        floor = min(replayed, default=self._samples[-1][1])
        while len(self._samples) > 1 and self._samples[1][1] <= floor:
            self._samples.popleft()

    def _note(self, text: str) -> None:
        self.notes.append(text)
        emit(self.on_event, Event("note", text))

    def _report(self, text: str) -> None:
        now = time.monotonic()
        if now - self._reported >= self.report_every:
            self._reported = now
            emit(self.on_event, Event("wait", text))

    # -- waiting ---------------------------------------------------------------------

    def wait_below(self, max_lag: float | None = None) -> float:
        """Wait while any replica not reported as stalled lags more than ``max_lag``
        (default: the watch's); the seconds waited."""
        bound = self.max_lag if max_lag is None else max_lag
        if bound is None:
            return 0.0
        started = time.monotonic()
        while True:
            over = [r for r in self.check() if not r.stalled and r.expected > bound]
            if not over:
                break
            worst = max(over, key=lambda r: r.expected)
            if worst.lag >= worst.catch_up:
                why = f"replay lag {worst.lag:.1f} s > {bound:g} s"
            elif worst.catch_up == float("inf"):
                why = f"{_size(worst.behind)} behind and replaying nothing lately"
            else:
                why = (
                    f"{_size(worst.behind)} behind, {worst.catch_up:.1f} s to replay at its "
                    f"pace > {bound:g} s (replay lag {worst.lag:.1f} s)"
                )
            self._report(f"waiting for replica {worst.name}: {why}")
            time.sleep(self.poll)
        waited = time.monotonic() - started
        self.waited += waited
        return waited

    def wait_replayed(self, timeout: float | None = None) -> float:
        """Wait until every replica has replayed the primary's current position (all
        that is committed now); the seconds waited. A replica that has not within
        ``timeout`` (default: the stall timeout) raises a :class:`PgshiftError` naming it."""
        limit = self.stall_timeout if timeout is None else timeout
        started = time.monotonic()
        target = _inserted(
            *self._query_primary(
                "SELECT pg_current_wal_insert_lsn()::text, current_setting('wal_block_size')::int"
            )[0]
        )
        while True:
            lags = self.check()
            if not lags:
                self._note(
                    "no replica to wait for: the primary lists no streaming standby in "
                    "pg_stat_replication and no replica URL is set"
                )
                return 0.0
            behind = [r for r in lags if r.replayed < target]
            if not behind:
                return time.monotonic() - started
            elapsed = time.monotonic() - started
            if elapsed >= limit:
                names = ", ".join(f"{r.name} ({_size(target - r.replayed)} behind)" for r in behind)
                raise PgshiftError(
                    f"replica(s) {names} did not replay the migrations within {limit:g} s; "
                    "what was applied stays applied on the primary, but a reader of those "
                    "replicas still sees the old schema.",
                    "Check the standby (SELECT pg_is_wal_replay_paused(); its log), or wait "
                    "longer with replica_timeout (--replica-timeout); "
                    "'pgshift migrate --wait-replicas' then waits again.",
                )
            worst = min(behind, key=lambda r: r.replayed)
            self._report(
                f"waiting for replica {worst.name} to replay the migrations: "
                f"{_size(target - worst.replayed)} to go"
            )
            time.sleep(self.poll)


def _describe(url: str) -> str:
    from pgshift.db.connection import describe

    return describe(url)
