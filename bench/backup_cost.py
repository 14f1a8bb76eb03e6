"""What the backup before a destructive migration costs, and what it does not.

    python bench/backup_cost.py --url postgresql://postgres@127.0.0.1:5432/postgres

On a table of ``--rows`` rows (default 2 million, the lock benchmark's table), two
destructive migrations, DROP COLUMN and DROP TABLE, are each applied with
``pgshift migrate`` twice from the same state: with the backup, and opted out
(``-- pgshift:no-backup`` plus ``--no-backup``). For each: the whole command's time,
the backup's size, and the migration's own time as its history row records it (the
backup runs before the migration's transaction, so that figure should not move).
The peer is what the how-to asks for by hand: ``pg_dump`` of the table (custom
format) before running the migration. Medians of ``--repeat`` runs (default 3).
Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

SETUP = """
DROP SCHEMA IF EXISTS pgshift CASCADE;
DROP TABLE IF EXISTS accounts;
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

CHANGES = {
    "DROP COLUMN email": ("drop-column", "ALTER TABLE accounts DROP COLUMN email;"),
    "DROP TABLE accounts": ("drop-table", "DROP TABLE accounts;"),
}


def one_run(url: str, rows: int, change: str, rule: str, backup: bool) -> dict[str, float]:
    """Apply ``change`` once from a fresh table; the figures of that run."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP.format(rows=rows))
        conn.execute("VACUUM ANALYZE accounts")
        conn.execute("CHECKPOINT")  # each run starts from the same disk state
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "migrations").mkdir()
        opt_out = "" if backup else "-- pgshift:no-backup\n"
        (project / "migrations" / "0001_change.sql").write_text(
            f"{opt_out}-- pgshift:allow {rule}\n{change}\n"
        )
        (project / "pgshift.toml").write_text("")
        command = [sys.executable, "-m", "pgshift", "migrate", "-q"]
        if not backup:
            command.append("--no-backup")
        started = time.perf_counter()
        subprocess.run(command, cwd=project, check=True, capture_output=True)
        took = time.perf_counter() - started
        size = sum(
            f.stat().st_size
            for f in (project / ".pgshift" / "backups").rglob("*")
            if f.is_file() and f.name != "manifest.json"
        )
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT extract(epoch FROM duration) FROM pgshift.history").fetchone()
    assert row is not None
    return {"took": took, "size": size, "migration": float(row[0])}


def pg_dump_by_hand(url: str, rows: int) -> dict[str, float]:
    """The peer: ``pg_dump -Fc -t accounts`` of the same table."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP.format(rows=rows))
        conn.execute("VACUUM ANALYZE accounts")
        conn.execute("CHECKPOINT")
        major = conn.info.server_version // 10000
    from pgshift.db.pgtools import find_tool

    tool = find_tool("pg_dump", major)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "accounts.dump"
        started = time.perf_counter()
        subprocess.run(
            [str(tool.path), "-Fc", "-t", "accounts", "-f", str(out), "--dbname", url],
            check=True,
        )
        took = time.perf_counter() - started
        return {"took": took, "size": out.stat().st_size, "migration": 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = "pgshift_bench_backup"
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
    url = make_conninfo(args.url, dbname=db)
    os.environ["PGSHIFT_DATABASE_URL"] = url
    os.environ.pop("DATABASE_URL", None)

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    try:
        print(f"{args.rows:,} rows; medians of {args.repeat} runs")
        print(f"{'change':22} {'way':26} {'command':>9} {'backup size':>12} {'migration':>10}")
        peer = [pg_dump_by_hand(url, args.rows) for _ in range(args.repeat)]
        print(
            f"{'(by hand)':22} {'pg_dump -Fc -t accounts':26} {median(peer, 'took'):8.2f}s "
            f"{median(peer, 'size') / 1e6:9.1f} MB {'-':>10}"
        )
        for name, (rule, change) in CHANGES.items():
            figures = {}
            for backup in (False, True):
                runs = [one_run(url, args.rows, change, rule, backup) for _ in range(args.repeat)]
                figures[backup] = runs
                way = "pgshift, backup" if backup else "pgshift --no-backup"
                print(
                    f"{name:22} {way:26} {median(runs, 'took'):8.2f}s "
                    f"{median(runs, 'size') / 1e6:9.1f} MB "
                    f"{median(runs, 'migration') * 1000:8.1f}ms"
                )
            extra = median(figures[True], "took") - median(figures[False], "took")
            print(
                f"{'':22} {'backup cost':26} {extra:+8.2f}s "
                f"({extra / median(peer, 'took'):.2f}x pg_dump by hand)"
            )
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
            )


if __name__ == "__main__":
    main()
