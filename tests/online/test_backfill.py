"""Batched backfills: in key order, a transaction a batch, resumed after a crash without
redoing a batch."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgshift import Progress, backfill
from pgshift.errors import PgshiftError
from tests.conftest import query, run_cli, write_migrations

TABLE = "CREATE TABLE items (id bigint PRIMARY KEY, n integer NOT NULL DEFAULT 0, tag text);"


class Crash(Exception):
    """Stands for the runner dying between two batches."""


def test_a_crash_between_batches_resumes_without_redoing_one(db_url: str) -> None:
    query(db_url, TABLE + "INSERT INTO items (id) SELECT generate_series(1, 5000); ANALYZE items")
    seen: list[Progress] = []

    def die_after_two(progress: Progress) -> None:
        seen.append(progress)
        if progress.batches == 2:
            raise Crash

    with psycopg.connect(db_url, autocommit=True) as conn, pytest.raises(Crash):
        backfill(conn, "items", "n = n + 1", batch=1000, on_progress=die_after_two)
    assert query(db_url, "SELECT count(*) FROM items WHERE n = 1") == [(2000,)]
    assert query(db_url, "SELECT last_key, rows FROM pgshift.backfill") == [(2000, 2000)]
    assert seen[0].estimate == 5000
    assert seen[1].eta is not None
    with psycopg.connect(db_url, autocommit=True) as conn:
        done = backfill(conn, "items", "n = n + 1", batch=1000)
    assert (done.rows, done.batches) == (5000, 3)  # the three batches left, nothing twice
    assert query(db_url, "SELECT n, count(*) FROM items GROUP BY n") == [(1, 5000)]
    assert query(db_url, "SELECT count(*) FROM pgshift.backfill") == [(0,)]


def test_where_limits_the_rows_and_the_keys_still_advance(db_url: str) -> None:
    query(db_url, TABLE + "INSERT INTO items (id, tag) SELECT g, "
          "CASE WHEN g % 2 = 0 THEN 'even' END FROM generate_series(1, 3000) g")  # fmt: skip
    with psycopg.connect(db_url, autocommit=True) as conn:
        done = backfill(conn, "items", "tag = 'odd'", where="tag IS NULL", batch=700)
    assert done.rows == 1500
    assert query(db_url, "SELECT tag, count(*) FROM items GROUP BY tag ORDER BY tag") == [
        ("even", 1500),
        ("odd", 1500),
    ]


def test_inside_a_transaction_it_refuses(db_url: str) -> None:
    query(db_url, TABLE)
    with psycopg.connect(db_url) as conn:
        conn.execute("SELECT 1")  # a transaction is open
        with pytest.raises(PgshiftError, match="transaction = False"):
            backfill(conn, "items", "n = 1")


def test_from_a_python_migration(db_url: str, tmp_path: Path) -> None:
    query(db_url, TABLE + "INSERT INTO items (id) SELECT generate_series(1, 2500)")
    body = (
        "from pgshift import backfill\n\ntransaction = False\n\n\n"
        "def up(conn):\n    backfill(conn, 'items', 'n = 7', batch=1000)\n"
    )
    folder = write_migrations(tmp_path / "m", {"0001_fill.py": body})
    result = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT n, count(*) FROM items GROUP BY n") == [(7, 2500)]


def test_inside_a_run_progress_is_kept_in_the_run_s_history_schema(
    db_url: str, tmp_path: Path
) -> None:
    # two tenants' schemas in one database: each run's backfill keeps its own progress
    query(db_url, TABLE + "INSERT INTO items (id) SELECT generate_series(1, 1500)")
    seen = (
        "from pgshift import backfill\n\ntransaction = False\n\n\n"
        "def up(conn):\n    backfill(conn, 'items', 'n = n + 1', batch=1000,\n"
        "             on_progress=lambda p: conn.execute("
        "'CREATE TABLE IF NOT EXISTS seen AS SELECT count(*) FROM tenant_a.backfill'))\n"
    )
    folder = write_migrations(tmp_path / "m", {"0001_fill.py": seen})
    result = run_cli("migrate", "--dir", str(folder), "--schema", "tenant_a", url=db_url)
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT * FROM seen") == [(1,)]  # its row, in tenant_a.backfill
    assert query(db_url, "SELECT to_regclass('pgshift.backfill')") == [(None,)]
    # outside a run the default stays pgshift
    with psycopg.connect(db_url, autocommit=True) as conn:
        backfill(conn, "items", "n = n + 1", batch=1000)
    assert query(db_url, "SELECT to_regclass('pgshift.backfill')::text") == [("pgshift.backfill",)]
    assert query(db_url, "SELECT n, count(*) FROM items GROUP BY n") == [(2, 1500)]
