"""A fresh migrated database per test: the pytest plugin's fixtures against migrating each time.

    python bench/fixture.py                       # the plugin's own test server (embedded)
    python bench/fixture.py --url postgresql://postgres@127.0.0.1:5432/postgres

For a generated project of ``--migrations`` migrations (default 50: tables, columns,
indexes, foreign keys, a view and a function), times what a test waits for before
it starts, over ``--tests`` tests (default 40):

- the naive way: an empty database per test, migrated with ``pgshift.migrate``;
- a clone of the template (``CREATE DATABASE ... TEMPLATE``) made and dropped in the
  test's own time;
- ``pgshift_db`` as the plugin runs it (:class:`~pgshift.testing.ClonePool`): clones
  made ahead and dropped afterwards by two threads, while tests of each of
  ``--test-ms`` milliseconds run (each test also connects to its database);
- ``pgshift_tx``: a connection in a transaction on a shared migrated database,
  rolled back after the test.

Without ``--url`` it runs where the plugin runs when no server is given: an embedded
server without durability (:func:`pgshift.testing.disposable_server`), made in a
temporary folder and stopped at the end. The template's own build is timed once,
apart. Prints the mean wait per test of each (for the pool: all the waiting, over all
the tests, so that a burst cannot hide in a median) and its ratio to the naive way.
Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

import pgshift  # noqa: E402
from pgshift.config import load_settings  # noqa: E402
from pgshift.testing import (  # noqa: E402
    ClonePool,
    cloned,
    disposable_dir,
    disposable_server,
    ensure_template,
    remove_disposable,
    template_name,
)


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
    """A clone of the template, and its drop, done in the test's time (no pool)."""
    started = time.perf_counter()
    with cloned(admin, template):
        pass
    return time.perf_counter() - started


def pooled(pool: ClonePool, work: float, tests: int) -> float:
    """The mean wait per test with ``pgshift_db``: each test takes a clone made ahead,
    connects to it, runs ``work`` seconds and gives it back to be dropped."""
    waited = 0.0
    for _ in range(tests):
        started = time.perf_counter()
        database = pool.take()
        waited += time.perf_counter() - started
        with psycopg.connect(database.url) as conn:
            conn.execute("SELECT 1")
        time.sleep(work)
        pool.give_back(database)
    return waited / tests


def rolled_back(url: str) -> float:
    """What a test waits for with ``pgshift_tx``: a connection, a transaction."""
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("SELECT 1")
        waited = time.perf_counter() - started
        conn.rollback()
    return waited


@contextlib.contextmanager
def server(url: str | None) -> Iterator[tuple[str, str]]:
    """The server to measure on, and what to call it."""
    if url is not None:
        yield url, "the server given"
        return
    folder = Path(tempfile.mkdtemp(prefix="pgshift-bench-"))
    folder.chmod(0o755)
    data = disposable_dir(folder)
    try:
        yield disposable_server(data), f"the plugin's test server (embedded, in {data.parent})"
    finally:
        remove_disposable(data)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a server (default: the plugin's embedded test server)")
    parser.add_argument("--migrations", type=int, default=50)
    parser.add_argument("--tests", type=int, default=40)
    parser.add_argument(
        "--test-ms",
        default="0,20,100",
        help="how long each simulated test runs, comma-separated (default 0,20,100)",
    )
    args = parser.parse_args()
    durations = [int(ms) for ms in args.test_ms.split(",")]
    with tempfile.TemporaryDirectory() as tmp, server(args.url) as (url, where):
        folder = Path(tmp)
        write_project(folder, args.migrations)
        settings = load_settings({"database_url": url}, cwd=folder, env={})
        started = time.perf_counter()
        template = ensure_template(settings, url)
        built = time.perf_counter() - started
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            fsync = conn.execute("SHOW fsync").fetchone()
        clones, naives, txs = [], [], []
        waits: dict[int, float] = {}
        try:
            for _ in range(args.tests):
                clones.append(clone(url, template))
                naives.append(naive(url, folder))
            for ms in durations:
                pool = ClonePool(url, template)
                time.sleep(1.0)  # the pool's first clones, made while the session starts
                waits[ms] = pooled(pool, ms / 1000, args.tests)
                pool.close()
            with cloned(url, template) as shared:
                txs = [rolled_back(shared.url) for _ in range(args.tests)]
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false").format(
                        sql.Identifier(template)
                    )
                )
                conn.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(template))
                )
        assert template == template_name(pgshift.discover(folder / "migrations"))
    per_test = statistics.mean(naives)
    rows = [
        ("migrating an empty database per test (naive)", per_test),
        ("a clone made and dropped in the test's time", statistics.mean(clones)),
        *((f"pgshift_db, clones made ahead ({ms} ms tests)", waits[ms]) for ms in durations),
        ("pgshift_tx, a rolled-back transaction", statistics.mean(txs)),
    ]
    assert version is not None
    assert fsync is not None
    print(
        f"{args.migrations} migrations, {args.tests} tests each; {where}: "
        f"PostgreSQL {version[0]}, fsync {fsync[0]}"
    )
    print(f"{'template built once (a session)':52} {built * 1000:>8.1f} ms")
    for label, seconds in rows:
        ratio = per_test / seconds if seconds > 0 else float("inf")
        print(f"{label:52} {seconds * 1000:>8.1f} ms {ratio:>8.1f}x")


if __name__ == "__main__":
    main()
