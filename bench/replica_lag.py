"""A batched backfill and a slow replica: the replay lag with ``max_replica_lag`` and without.

    python bench/replica_lag.py                      # 1,000,000 rows, batches of 10,000
    python bench/replica_lag.py --rows 200000 --bound 2s --replay-share 0.1

A primary and a real streaming standby (``pg_basebackup -R`` of a fresh embedded
cluster, as the tests make them: :mod:`tests.replica`). A table of ``--rows`` rows is
filled by ``pgshift.backfill`` in batches of ``--batch`` keys, from a Python migration
with ``transaction = False`` applied by ``pgshift.migrate``: once with no bound, once
with ``max_replica_lag = --bound``, each on a database of its own.

The slow replica. On this 2-core machine a standby replays an UPDATE's WAL faster
than the primary writes it, so it never falls behind by itself. A fixed
``recovery_min_apply_delay`` would not do: it delays everything by the same amount,
a lag no throttle can shrink. Instead the bench lets the standby replay only a share
of the time (``--replay-share`` of each ``--cycle`` seconds, default 5 % of 0.25 s:
``pg_wal_replay_pause()`` and ``pg_wal_replay_resume()`` on the standby), as a replica
starved of I/O or CPU by its own read load replays in bursts and falls behind a
primary that writes without pause. Its replay capacity is then a fraction of what the
primary can write (here about a tenth), as with a real replica that cannot keep up;
at 30 % it still keeps up with this primary, and the two runs look alike.

The lag is measured apart from pgshift's own watch: every 100 ms the bench reads the
primary's WAL insert position and the standby's ``pg_last_wal_replay_lsn()`` (each on
a connection of its own), and a sample's lag is the age of the oldest primary position
the standby had not replayed then (good to the 100 ms of the sampling). It prints, for
each run, the runtime, the largest and 95th-percentile lag while the backfill ran, and
for the bounded run the waits pgshift made. Autovacuum is off on the bench's tables:
the vacuum of one run's table would otherwise write its WAL during the next run.
Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path; the repository's root goes on it for tests/replica.py.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import psycopg  # noqa: E402

import pgshift  # noqa: E402
from pgshift.config import load_settings, parse_duration  # noqa: E402
from pgshift.db.replicas import parse_lsn  # noqa: E402
from pgshift.events import Event  # noqa: E402
from tests.replica import Pair, caught_up, replica_pair  # noqa: E402

MIGRATION = """from pgshift import backfill

transaction = False


def up(conn):
    backfill(conn, "items", "n = n + 1, note = 'filled'", batch={batch})
"""


@dataclass
class Run:
    """What one backfill did to the replica."""

    label: str
    seconds: float
    lags: list[float]
    waits: int
    waited: float

    @property
    def worst(self) -> float:
        return max(self.lags, default=0.0)

    @property
    def p95(self) -> float:
        if len(self.lags) < 2:
            return self.worst
        return statistics.quantiles(self.lags, n=20)[-1]


class SlowReplay(threading.Thread):
    """Lets the standby replay ``share`` of each ``cycle`` seconds, paused the rest."""

    def __init__(self, standby_url: str, share: float, cycle: float) -> None:
        super().__init__(daemon=True)
        self.url, self.share, self.cycle = standby_url, share, cycle
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                conn.execute("SELECT pg_wal_replay_resume()")
                self.stop.wait(self.cycle * self.share)
                if self.stop.is_set():
                    break
                conn.execute("SELECT pg_wal_replay_pause()")
                self.stop.wait(self.cycle * (1 - self.share))
            conn.execute("SELECT pg_wal_replay_resume()")


class LagSampler(threading.Thread):
    """Every ``every`` seconds: the standby's replay lag, by the age of the oldest primary
    position (sampled here) it has not replayed."""

    def __init__(self, pair: Pair, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pair, self.every = pair, every
        self.lags: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        positions: list[tuple[float, int]] = []
        with (
            psycopg.connect(self.pair.primary_url, autocommit=True) as primary,
            psycopg.connect(self.pair.standby_url, autocommit=True) as standby,
        ):
            while not self.stop.is_set():
                row = primary.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
                now = time.monotonic()
                assert row is not None
                positions.append((now, parse_lsn(row[0])))
                replay = standby.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
                assert replay is not None
                replayed = parse_lsn(replay[0])
                # an insert position at a page's start points past its header
                oldest = next((t for t, lsn in positions if lsn > replayed + 40), now)
                self.lags.append(now - oldest)
                self.stop.wait(self.every)


def make_table(url: str, rows: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE items (id bigint PRIMARY KEY, n integer NOT NULL DEFAULT 0, "
            "note text, pad text NOT NULL DEFAULT repeat('x', 40))"
        )
        conn.execute("INSERT INTO items (id) SELECT generate_series(1, %s)", (rows,))
        conn.execute("VACUUM ANALYZE items")
        # The vacuum of a run's million updated rows writes WAL of its own, and in a later
        # run it would count as that run's lag, which no throttle of pgshift's can hold back
        # (measured: a bounded run after an unbounded one reached 9 s against 1.8 s alone).
        conn.execute("ALTER TABLE items SET (autovacuum_enabled = false)")


def backfill_run(
    pair: Pair,
    name: str,
    label: str,
    args: argparse.Namespace,
    bound: float | None,
    replica: str | None = None,
) -> Run:
    url = pair.primary_db(name)
    caught_up(pair, timeout=600)
    with tempfile.TemporaryDirectory() as folder:
        migrations = Path(folder) / "migrations"
        migrations.mkdir()
        (migrations / "0001_fill.py").write_text(MIGRATION.format(batch=args.batch))
        flags = {"database_url": url, "migrations": str(migrations)}
        if bound is not None:
            flags["max_replica_lag"] = str(bound)
        if replica is not None:
            flags["replicas"] = [replica]
        settings = load_settings(flags, env={}, cwd=Path(folder))
        waits: list[Event] = []
        sampler = LagSampler(pair)
        slow = SlowReplay(pair.standby_url, args.replay_share, args.cycle)
        slow.start()
        sampler.start()
        started = time.perf_counter()
        try:
            result = pgshift.migrate(settings=settings, on_event=waits.append)
            seconds = time.perf_counter() - started
        finally:
            sampler.stop.set()
            slow.stop.set()
            sampler.join()
            slow.join()
    # "waited 12.3 s in all for replicas to replay within 1 s"
    waited = [float(n.split()[1]) for n in result.notes if n.startswith("waited ")]
    shown = len([e for e in waits if e.kind == "wait"])
    return Run(label, seconds, sampler.lags, shown, sum(waited))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--bound", default="1s", help="max_replica_lag of the bounded run")
    parser.add_argument("--replay-share", type=float, default=0.05)
    parser.add_argument("--cycle", type=float, default=0.25)
    parser.add_argument(
        "--via-url",
        action="store_true",
        help="also a bounded run that reads the standby by its URL (replicas = [...]), not "
        "only through the primary's pg_stat_replication",
    )
    args = parser.parse_args()
    bound = parse_duration(args.bound, "--bound")

    print(f"starting a primary and a standby; {args.rows:,} rows, batches of {args.batch:,}")
    with replica_pair() as pair:
        with psycopg.connect(pair.primary_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE unbounded")
            conn.execute("CREATE DATABASE bounded")
            if args.via_url:
                conn.execute("CREATE DATABASE bounded_url")
        names = (
            ("unbounded", "bounded", "bounded_url") if args.via_url else ("unbounded", "bounded")
        )
        for name in names:
            make_table(pair.primary_db(name), args.rows)
        runs = [
            backfill_run(pair, "unbounded", "no bound", args, None),
            backfill_run(pair, "bounded", f"max_replica_lag = {args.bound}", args, bound),
        ]
        if args.via_url:
            label = f"{args.bound}, replica by URL"
            runs.append(
                backfill_run(
                    pair, "bounded_url", label, args, bound, pair.standby_db("bounded_url")
                )
            )
    print(
        f"\nstandby replays {args.replay_share:.0%} of each {args.cycle:g} s; "
        f"lag sampled every 100 ms while the backfill ran\n"
    )
    header = f"{'run':<26} {'runtime':>9} {'max lag':>9} {'p95 lag':>9} {'waited':>9}"
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.label:<26} {run.seconds:>8.1f}s {run.worst:>8.2f}s {run.p95:>8.2f}s "
            f"{run.waited:>8.1f}s"
        )
    free, held = runs[:2]
    if held.worst:
        print(
            f"\nmax lag without the bound is {free.worst / held.worst:.1f}x that with it; "
            f"the bounded run took {held.seconds / free.seconds:.1f}x as long"
        )


if __name__ == "__main__":
    main()
