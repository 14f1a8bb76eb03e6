"""A fresh migrated database per test: the pytest plugin's clone against migrating each time.

    python bench/fixture.py --url postgresql://postgres@127.0.0.1:5432/postgres

For a generated project of ``--migrations`` migrations (default 50: tables, columns,
indexes, foreign keys, a view and a function), times what a test waits for before
it starts, ``--tests`` times each (default 30), taking turns:

- the fixture: ``CREATE DATABASE ... TEMPLATE`` of the template pgshift migrated
  once, then dropping the clone afterwards (the template's own build is timed once,
  apart);
- the naive way: an empty database per test, migrated with ``pgshift.migrate``.

Prints the median time per test of each and the ratio. Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

import pgshift  # noqa: E402
from pgshift.config import load_settings  # noqa: E402
from pgshift.testing import cloned, ensure_template, template_name  # noqa: E402


def write_project(folder: Path, count: int) -> None:
    """``count`` migrations that build a small application's schema step by step."""
    migrations = folder / "migrations"
    migrations.mkdir()
    for n in range(1, count + 1):
        table = f"t{(n + 2) // 3}"
        step = n % 3
        if step == 1:
            parent = f" , parent_id bigint REFERENCES t{(n + 2) // 3 - 1} (id)" if n > 3 else ""
            text = (
                f"CREATE TABLE {table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                f"name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(){parent});\n"
            )
        elif step == 2:
            text = f"ALTER TABLE {table} ADD COLUMN note text;\n"
        else:
            text = f"CREATE INDEX {table}_name_idx ON {table} (name);\n"
        if n == count:
            text += (
                "CREATE VIEW recent AS SELECT id, name FROM t1 "
                "WHERE created_at > now() - interval '1 day';\n"
                "CREATE FUNCTION t1_count() RETURNS bigint LANGUAGE sql STABLE "
                "AS 'SELECT count(*) FROM t1';\n"
            )
        (migrations / f"{n:04d}_step_{n}.sql").write_text(text)
    (folder / "pgshift.toml").write_text('migrations = "migrations"\n')


def naive(admin: str, folder: Path) -> float:
    """An empty database, migrated, dropped: the time before the test could start."""
    name = "pgshift_bench_naive_" + secrets.token_hex(4)
    started = time.perf_counter()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    pgshift.migrate(make_conninfo(admin, dbname=name), directory=folder / "migrations")
    seconds = time.perf_counter() - started
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    return seconds


def clone(admin: str, template: str) -> float:
    """A clone of the template, and its drop (the fixture's whole work per test)."""
    started = time.perf_counter()
    with cloned(admin, template):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--migrations", type=int, default=50)
    parser.add_argument("--tests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(folder, args.migrations)
        settings = load_settings({"database_url": args.url}, cwd=folder, env={})
        started = time.perf_counter()
        template = ensure_template(settings, args.url)
        built = time.perf_counter() - started
        clones, naives = [], []
        try:
            for _ in range(args.tests):
                clones.append(clone(args.url, template))
                naives.append(naive(args.url, folder))
        finally:
            with psycopg.connect(args.url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false").format(
                        sql.Identifier(template)
                    )
                )
                conn.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(template))
                )
        assert template == template_name(pgshift.discover(folder / "migrations"))
    fixture, per_test = statistics.median(clones), statistics.median(naives)
    print(f"{args.migrations} migrations; medians of {args.tests} tests")
    print(f"template built once (first test of a session)  {built * 1000:>7.0f} ms")
    print(f"pgshift_db per test (clone + drop)              {fixture * 1000:>7.0f} ms")
    print(f"migrating an empty database per test            {per_test * 1000:>7.0f} ms")
    print(f"the fixture is {per_test / fixture:.1f}x faster")


if __name__ == "__main__":
    main()
