"""What a schema change does to the application's writes: plain psql against pgshift.

    python bench/lock_impact.py --url postgresql://postgres@127.0.0.1:5432/postgres

A table of ``--rows`` rows (default 2 million) takes a steady write load from
pgbench (``--rate`` single-row UPDATEs a second from 4 clients, each transaction's
latency logged). Each change is applied both ways in the same run, as the team did
it (``psql -c``) and the pgshift way (``pgshift fix --write`` then ``pgshift
migrate``, with a 2 s lock timeout), ``--repeat`` times each (default 3), and for
the time it runs the script reports the worst and the 99th-percentile write latency
(counted from when the write was due) and the longest stall (the longest time in
which no write completed), each the median of the runs. A first row shows the load
alone, the machine's own noise. Each run starts after a CHECKPOINT, so that the
WAL of the run before does not bring one into it. Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path, or every later `import inspect` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

SETUP = """
CREATE TABLE owners (id bigint PRIMARY KEY);
INSERT INTO owners SELECT generate_series(1, 1000);
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    owner_id bigint,
    n integer,
    email text,
    balance integer NOT NULL DEFAULT 0
);
INSERT INTO accounts SELECT g, 1 + g % 1000, g % 1000, 'user' || g || '@example.org', 0
    FROM generate_series(1, {rows}) g;
"""

# An instant change queued behind a report that keeps the table for READER_SECONDS: every
# write waits behind the waiting ALTER (psql), or at most a lock_timeout (pgshift).
READER = "ADD COLUMN behind a long reader"

# name -> (the change, what undoes it so the next run starts from the same state)
CHANGES = {
    "ADD COLUMN ... UNIQUE": (
        "ALTER TABLE accounts ADD COLUMN phone varchar(20) CONSTRAINT accounts_phone_key UNIQUE;",
        "ALTER TABLE accounts DROP COLUMN IF EXISTS phone;",
    ),
    "CREATE INDEX": (
        "CREATE INDEX accounts_n_idx ON accounts (n);",
        "DROP INDEX IF EXISTS accounts_n_idx;",
    ),
    "SET NOT NULL": (
        "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;",
        "ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;"
        "ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_email_not_null;",
    ),
    "ALTER COLUMN ... TYPE bigint": (
        "ALTER TABLE accounts ALTER COLUMN n TYPE bigint;",
        "ALTER TABLE accounts ALTER COLUMN n TYPE integer;",
    ),
    "ADD FOREIGN KEY": (
        "ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fk FOREIGN KEY (owner_id) "
        "REFERENCES owners (id);",
        "ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_owner_fk;",
    ),
    "ADD CHECK": (
        "ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check CHECK (balance >= 0);",
        "ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_balance_check;",
    ),
    "ADD COLUMN ... DEFAULT volatile": (
        "ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE accounts DROP COLUMN IF EXISTS token;",
    ),
    READER: (
        "ALTER TABLE accounts ADD COLUMN extra integer;",
        "ALTER TABLE accounts DROP COLUMN IF EXISTS extra;",
    ),
}

READER_SECONDS = 6.0
LOAD = """\\set id random(1, {rows})
UPDATE accounts SET balance = balance + 1 WHERE id = :id;
"""


@dataclass
class Impact:
    """The writes that completed while a change ran."""

    seconds: float
    worst_ms: float
    p99_ms: float
    stall_ms: float
    writes: int


def measure(log_dir: Path, started: float, ended: float) -> Impact:
    """From pgbench's per-transaction logs: the writes due while the change ran.

    A write's latency counts from when it was due (pgbench's schedule lag included,
    as the application would see it), and a write due before ``ended`` counts even
    if it completes later; the stall is the longest time in which no write completed,
    from ``started`` to the last of those completions."""
    done: list[tuple[float, float]] = []  # (completion time, latency from due time, in s)
    for log in log_dir.glob("pgbench_log*"):
        for line in log.read_text().splitlines():
            fields = line.split()
            if len(fields) < 6:
                continue
            lag = int(fields[6]) / 1e6 if len(fields) > 6 else 0.0
            latency = int(fields[2]) / 1e6 + lag
            at = int(fields[4]) + int(fields[5]) / 1e6
            done.append((at, latency))
    window = sorted(d for d in done if started <= d[0] - d[1] <= ended)
    latencies = sorted(d[1] for d in window) or [0.0]
    until = max([ended] + [d[0] for d in window])
    times = [started, *sorted(d[0] for d in done if started <= d[0] <= until), until]
    stall = max(b - a for a, b in itertools.pairwise(times))
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Impact(ended - started, latencies[-1] * 1000, p99 * 1000, stall * 1000, len(window))


def run_with_load(
    url: str, rows: int, rate: int, action: list[list[str]], cwd: Path, reader: bool = False
) -> Impact:
    """Run ``action`` (commands, in order) while pgbench writes; measure the writes.

    With ``reader``, a session first reads the table and keeps its transaction open
    for ``READER_SECONDS``, as a long report would."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = folder / "load.sql"
        script.write_text(LOAD.format(rows=rows))
        bench = subprocess.Popen(
            [
                shutil.which("pgbench") or "pgbench",
                "-n",
                "-c",
                "4",
                "-j",
                "2",
                "-R",
                str(rate),
                "-T",
                "600",
                "-f",
                str(script),
                "-l",
                "--log-prefix",
                str(folder / "pgbench_log"),
                url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1.5)  # the load settles
            report = None
            if reader:
                report = subprocess.Popen(
                    [
                        shutil.which("psql") or "psql",
                        "-q",
                        "-d",
                        url,
                        "-c",
                        "BEGIN; SELECT count(*) FROM accounts WHERE id = 1; "
                        f"SELECT pg_sleep({READER_SECONDS}); COMMIT;",
                    ],
                    stdout=subprocess.DEVNULL,
                )
                time.sleep(0.3)
            started = time.time()
            for command in action:
                subprocess.run(command, cwd=cwd, check=True, capture_output=True)
            ended = time.time()
            if report is not None:
                report.wait()
            time.sleep(2.0)  # pgbench loses its unflushed log tail when stopped
        finally:
            bench.terminate()
            bench.wait()
        return measure(folder, started, ended)


FIGURES = ("seconds", "worst_ms", "p99_ms", "stall_ms", "writes")


def apply_once(
    url: str, rows: int, rate: int, name: str, change: str, undo: str, way: str
) -> Impact:
    """Apply one change one way (from the same starting state) under the load."""
    psql = shutil.which("psql") or "psql"
    pgshift = [sys.executable, "-m", "pgshift"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(undo)
        conn.execute("DROP SCHEMA IF EXISTS pgshift CASCADE")
        # the undo of the run before (a backfill's worth of WAL) must not bring a
        # checkpoint into this one: each run starts from the same disk state
        conn.execute("CHECKPOINT")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "migrations").mkdir()
        target = project / "migrations" / "0001_change.sql"
        target.write_text(change + "\n")
        (project / "pgshift.toml").write_text('lock_timeout = "2s"\n')
        if way == "psql":
            action = [[psql, "-q", "-d", url, "-c", change]]
        else:
            fix = [*pgshift, "fix", "--write", str(target)]
            subprocess.run(fix, cwd=project, check=False, capture_output=True)
            action = [[*pgshift, "migrate", "-q"]]
        return run_with_load(url, rows, rate, action, project, reader=name == READER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--rate", type=int, default=400, help="writes a second")
    parser.add_argument("--only", nargs="*", help="changes to run (default: all)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each change each way (the median shown)"
    )
    args = parser.parse_args()
    db = "pgshift_bench_locks"
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
    url = make_conninfo(args.url, dbname=db)
    os.environ["PGSHIFT_DATABASE_URL"] = url
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SETUP.format(rows=args.rows))
            conn.execute("VACUUM ANALYZE accounts")
            conn.execute("CHECKPOINT")  # the load of the table is not the idle row's noise
        print(f"{args.rows:,} rows, {args.rate} writes/s from 4 clients")
        print(f"{'change':32} {'way':8} {'took':>8} {'worst':>9} {'p99':>8} {'stall':>9}")
        idle = run_with_load(url, args.rows, args.rate, [["sleep", "10"]], Path.cwd())
        print(
            f"{'(no change: the load alone)':32} {'-':8} {idle.seconds:7.2f}s "
            f"{idle.worst_ms:7.0f}ms {idle.p99_ms:6.1f}ms {idle.stall_ms:7.0f}ms"
        )
        for name, (change, undo) in CHANGES.items():
            if args.only and name not in args.only:
                continue
            for way in ("psql", "pgshift"):
                runs = [
                    apply_once(url, args.rows, args.rate, name, change, undo, way)
                    for _ in range(args.repeat)
                ]
                # the median run of each figure: one noisy run does not decide
                impact = Impact(*(statistics.median(getattr(r, f) for r in runs) for f in FIGURES))
                print(
                    f"{name:32} {way:8} {impact.seconds:7.2f}s {impact.worst_ms:7.0f}ms "
                    f"{impact.p99_ms:6.1f}ms {impact.stall_ms:7.0f}ms"
                )
        print("target (pgshift): no stall over 100 ms, p99 under 20 ms; behind the reader,")
        print("no write waits longer than the lock_timeout (2 s)")
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
            )


if __name__ == "__main__":
    main()
