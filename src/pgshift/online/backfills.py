"""Batched backfills: a large table updated in key order, one short transaction a batch.

For Python migrations that run without a transaction (``transaction = False``)::

    from pgshift import backfill

    transaction = False

    def up(conn):
        backfill(conn, "users", "plan = 'free'", where="plan IS NULL", batch=5000)

Each batch updates the next ``batch`` keys and records how far it got in
``pgshift.backfill``, in the same transaction: a crash loses at most the batch in
flight, and a re-run starts after the last committed batch, never redoing one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a backfill has got."""

    name: str
    rows: int  # rows updated so far, this run and earlier ones
    batches: int  # batches committed this run
    last_key: int
    estimate: int  # rows the table holds, as the planner estimates it
    seconds: float  # this run so far

    @property
    def eta(self) -> float | None:
        """Seconds left at this run's pace, when it can be told."""
        if self.batches == 0 or self.seconds <= 0 or self.estimate <= self.rows:
            return None
        done_here = max(self.rows, 1)
        return self.seconds / done_here * (self.estimate - self.rows)


def _name_of(table: str) -> Any:
    from psycopg import sql

    return sql.Identifier(*table.split(".", 1))


def backfill(
    conn: psycopg.Connection[Any],
    table: str,
    assignments: str,
    *,
    where: str | None = None,
    key: str = "id",
    batch: int = 10_000,
    pause: float = 0.0,
    name: str | None = None,
    schema: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Run ``UPDATE table SET assignments [WHERE where]`` in batches of ``batch`` keys.

    ``key`` is an integer column that orders the rows (the primary key); ``pause``
    seconds are slept between batches to leave room to the application. The work
    is recorded under ``name`` (default: the table and assignments) in
    ``schema.backfill`` (default: the running migration's history schema, else
    ``pgshift``), so a second call after a crash resumes where the last committed
    batch ended. Inside a run with ``max_replica_lag`` set, each batch first waits
    until the replicas' replay lag is within it.
    """
    from psycopg import sql
    from psycopg.pq import TransactionStatus

    from pgshift.errors import PgshiftError
    from pgshift.migrations.running import current

    run = current()
    throttle = run.throttle if run is not None else None
    if schema is None:
        # two tenants' schemas in one database never share a progress row
        schema = run.schema if run is not None else "pgshift"

    if conn.info.transaction_status != TransactionStatus.IDLE or not conn.autocommit:
        raise PgshiftError(
            f"backfill of {table}: the connection is inside a transaction, so the batches "
            "could not commit one by one.",
            "Use it in a Python migration with 'transaction = False' (or an autocommit "
            "connection).",
        )
    label = name or f"{table}: {assignments}"
    progress_table = sql.Identifier(schema, "backfill")
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, last_key bigint NOT NULL, "
            "rows bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now())"
        ).format(progress_table)
    )
    row = conn.execute(
        sql.SQL("SELECT last_key, rows FROM {} WHERE name = %s").format(progress_table), (label,)
    ).fetchone()
    last_key, rows = (int(row[0]), int(row[1])) if row else (-(2**63), 0)
    estimate_row = conn.execute(
        "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(%s)",
        (table,),
    ).fetchone()
    estimate = int(estimate_row[0]) if estimate_row else 0
    condition = sql.SQL(" AND ({})").format(sql.SQL(where)) if where else sql.SQL("")
    step = sql.SQL(
        "WITH chosen AS (SELECT {key} FROM {table} WHERE {key} > %(last)s ORDER BY {key} "
        "LIMIT %(batch)s), done AS (UPDATE {table} AS t SET {assignments} FROM chosen "
        "WHERE t.{key} = chosen.{key}{condition} RETURNING 1) "
        "SELECT (SELECT max({key}) FROM chosen), (SELECT count(*) FROM done)"
    ).format(
        key=sql.Identifier(key),
        table=_name_of(table),
        assignments=sql.SQL(assignments),
        condition=condition,
    )
    record = sql.SQL(
        "INSERT INTO {} (name, last_key, rows) VALUES (%s, %s, %s) ON CONFLICT (name) "
        "DO UPDATE SET last_key = excluded.last_key, rows = excluded.rows, updated_at = now()"
    ).format(progress_table)
    started = time.perf_counter()
    batches = 0
    while True:
        if throttle is not None:
            throttle()
        with conn.transaction():
            top, changed = conn.execute(step, {"last": last_key, "batch": batch}).fetchone() or (
                None,
                0,
            )
            if top is None:
                break
            last_key, rows = int(top), rows + int(changed)
            conn.execute(record, (label, last_key, rows))
        batches += 1
        state = Progress(label, rows, batches, last_key, estimate, time.perf_counter() - started)
        if on_progress is not None:
            on_progress(state)
        if pause:
            time.sleep(pause)
    conn.execute(sql.SQL("DELETE FROM {} WHERE name = %s").format(progress_table), (label,))
    return Progress(label, rows, batches, last_key, estimate, time.perf_counter() - started)
