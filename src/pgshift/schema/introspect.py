"""Catalogs to model: a fixed number of queries, whatever the number of objects.

The queries are in :mod:`pgshift.schema.catalog_queries`, the building of the
model from their rows in :mod:`pgshift.schema.catalog_build`; here they are sent,
shared with a helper connection when there is one. Correct on PostgreSQL 12 to 18.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgshift.schema.catalog_build import build_schema
from pgshift.schema.catalog_queries import QUERIES, queries

if TYPE_CHECKING:
    import psycopg

    from pgshift.schema.model import Schema

__all__ = ["QUERIES", "inspect", "queries", "sizes"]

# Run on the helper connection, in parallel with the rest, when there is one: the
# dearest query (the server deparses every index), about half the time.
_HELPER_QUERIES = ("indexes",)


def inspect(
    conn: psycopg.Connection[Any],
    *,
    exclude: tuple[str, ...] = ("pgshift",),
    helper: psycopg.Connection[Any] | None = None,
) -> Schema:
    """The model of every user schema of the database ``conn`` is connected to.

    ``exclude`` names schemas to leave out besides the system ones (pgshift's own
    by default). With ``helper``, a second autocommit connection to the same
    database, the queries are shared between the two, which read one snapshot
    (exported by ``conn``, as pg_dump's parallel mode does): same model, less time.
    """
    from psycopg.pq import TransactionStatus

    params = {"excluded": list(exclude)}
    text = queries(conn.info.server_version)
    prefetched: dict[str, list[tuple[Any, ...]]] = {}
    shared = helper is not None and conn.autocommit and helper.autocommit

    def rows(name: str) -> list[tuple[Any, ...]]:
        if name in prefetched:
            return prefetched.pop(name)
        return conn.execute(text[name], params).fetchall()

    try:
        if shared and helper is not None:
            prefetched = _share(conn, helper, text, params)
        return build_schema(rows)
    finally:
        if shared and conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("COMMIT")


def _share(
    conn: psycopg.Connection[Any],
    helper: psycopg.Connection[Any],
    text: dict[str, str],
    params: dict[str, Any],
) -> dict[str, list[tuple[Any, ...]]]:
    """Run the helper's share of the queries in a thread, on ``conn``'s snapshot."""
    from concurrent.futures import ThreadPoolExecutor

    from psycopg import sql

    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    row = conn.execute("SELECT pg_export_snapshot()").fetchone()
    assert row is not None
    helper.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    helper.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(row[0])))

    def work() -> dict[str, list[tuple[Any, ...]]]:
        try:
            return {q: helper.execute(text[q], params).fetchall() for q in _HELPER_QUERIES}
        finally:
            helper.execute("COMMIT")

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        own = {
            q: conn.execute(text[q], params).fetchall() for q in text if q not in _HELPER_QUERIES
        }
        return own | future.result()


def sizes(conn: psycopg.Connection[Any], schema: Schema) -> dict[str, tuple[int, int]]:
    """Row estimate and total size in bytes of each table, by ``schema.name``.

    Kept out of the model: they change with the data, not with the schema.
    """
    rows = conn.execute(
        """
        SELECT n.nspname || '.' || c.relname, greatest(c.reltuples, 0)::bigint,
               pg_total_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = ANY (%s)
        """,
        (list(schema.schema_names),),
    ).fetchall()
    return {name: (int(estimate), int(size)) for name, estimate, size in rows}
