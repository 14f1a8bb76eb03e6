"""Inspect a 1,000-table schema: pgshift's model build and `pgshift dump` against pg_dump.

    python bench/inspect.py --url postgresql://postgres@127.0.0.1:5432/postgres

Builds a generated schema (tables of 5-8 columns of mixed types, a primary key,
1-2 indexes, some foreign keys, views and functions) in a scratch database, then
times, in the same run and taking turns: the model build in-process
(``pgshift.schema.introspect.inspect``), the whole ``pgshift dump`` command, and
``pg_dump --schema-only``. Prints medians and ratios to pg_dump.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script shares its name with the standard library's `inspect`: keep its own
# folder off the import path, or every later `import inspect` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402

from pgshift.schema.introspect import inspect  # noqa: E402

TYPES = ("integer", "bigint", "text", "varchar(80)", "numeric(12,2)", "timestamptz", "boolean",
         "jsonb", "uuid", "date")  # fmt: skip


def schema_sql(tables: int, seed: int = 7) -> str:
    """The generated schema as one script."""
    rng = random.Random(seed)
    out = []
    for t in range(1, tables + 1):
        columns = ["id bigint PRIMARY KEY"]
        for c in range(rng.randint(4, 7)):
            kind = rng.choice(TYPES)
            null = (
                " NOT NULL DEFAULT 0"
                if kind in ("integer", "bigint") and rng.random() < 0.3
                else ""
            )
            columns.append(f"c{c} {kind}{null}")
        if t > 1 and rng.random() < 0.3:
            columns.append(f"parent_id bigint REFERENCES t{rng.randint(1, t - 1)} (id)")
        out.append(f"CREATE TABLE t{t} (\n  " + ",\n  ".join(columns) + "\n);")
        out.append(f"CREATE INDEX t{t}_c0_idx ON t{t} (c0);")
        if rng.random() < 0.5:
            out.append(f"CREATE INDEX t{t}_c1_idx ON t{t} (c1);")
        if t % 20 == 0:
            out.append(f"CREATE VIEW v{t} AS SELECT id, c0 FROM t{t};")
            out.append(
                f"CREATE FUNCTION f{t}(x bigint) RETURNS bigint LANGUAGE sql STABLE "
                f"AS 'SELECT count(*) FROM t{t} WHERE id > x';"
            )
    return "\n".join(out)


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    db = "pgshift_bench_inspect"
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
        version = conn.execute("SHOW server_version").fetchone()
    url = make_conninfo(args.url, dbname=db)
    params = conninfo_to_dict(url)
    plain = f"postgresql://{params['user']}@{params.get('host', '127.0.0.1')}:" \
            f"{params.get('port', '5432')}/{db}"  # fmt: skip
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(schema_sql(args.tables))
            conn.execute("ANALYZE")
        pg_dump = shutil.which("pg_dump") or "pg_dump"
        pgshift = [sys.executable, "-m", "pgshift"]
        model, dumps, pg_dumps = [], [], []
        for _ in range(args.repeat):
            with (
                psycopg.connect(url, autocommit=True) as conn,
                psycopg.connect(url, autocommit=True) as helper,
            ):
                started = time.perf_counter()
                schema = inspect(conn, helper=helper)  # as `pgshift dump` does
                model.append(time.perf_counter() - started)
            dumps.append(timed([*pgshift, "dump", "--url", plain, "--output", "/dev/null"]))
            pg_dumps.append(timed([pg_dump, "--schema-only", "-d", plain, "-f", "/dev/null"]))
        floor = statistics.median(pg_dumps)
        counts = f"{len(schema.tables)} tables and views, {len(schema.functions)} functions"
        print(f"PostgreSQL {version[0] if version else '?'}; {counts}; medians of {args.repeat}")
        print(f"{'':34} {'time':>9} {'× pg_dump':>10}")
        for label, values in (
            ("pg_dump --schema-only", pg_dumps),
            ("pgshift model build (in process)", model),
            ("pgshift dump (whole command)", dumps),
        ):
            median = statistics.median(values)
            print(f"{label:34} {median * 1000:>7.0f}ms {median / floor:>9.2f}×")
        print("target: inspect ≤ 0.5× pg_dump --schema-only")
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
            )


if __name__ == "__main__":
    main()
