"""The pieces ``pgshift fix`` builds its rewrites from: steps and batched backfills."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAGES = 50  # heap pages a backfill batch covers: a few thousand narrow rows
PAUSE = 0.02  # seconds between batches, left to the application's writes

SAME, NEW, OUTSIDE = "same", "new", "outside"  # where a step goes


@dataclass(frozen=True)
class Step:
    """A statement of the rewrite and where it goes."""

    sql: str
    mode: str = SAME  # SAME: with what precedes; NEW: a transaction of its own; OUTSIDE: none
    note: str = ""


def deparse(node: Any) -> str:
    """SQL for a pglast node, as PostgreSQL's own deparser would print it."""
    from pglast.stream import RawStream

    return str(RawStream()(node))


def parse(sql: str) -> Any:
    """The pglast tree of one statement."""
    from pglast import parse_sql

    (raw,) = parse_sql(sql)
    return raw.stmt


def quote(name: str) -> str:
    """An identifier, quoted only where it must be."""
    from pgshift.dump import quote as quote_ident

    return quote_ident(name)


def backfill(table: str, qualified: str, assignment: str, pending: str) -> str:
    """A DO block that runs ``UPDATE qualified SET assignment WHERE pending`` in batches.

    The batches are page ranges of the table as it was (a TID range scan each,
    PostgreSQL 14+), each committed on its own with a pause after it: new row
    versions land further on and ``pending`` no longer holds for them, so no row
    is done twice and no batch rescans the ones before it."""
    literal = table.replace("'", "''")
    return (
        "DO $$\nDECLARE\n"
        f"  last bigint := pg_relation_size('{literal}') / current_setting('block_size')::int;"
        "\n  page bigint := 0;\nBEGIN\n  WHILE page <= last LOOP\n"
        f"    UPDATE {qualified} SET {assignment}\n"
        f"    WHERE ctid >= format('(%s,0)', page)::tid\n"
        f"      AND ctid < format('(%s,0)', page + {PAGES})::tid AND {pending};\n"
        f"    COMMIT;\n    page := page + {PAGES};\n    PERFORM pg_sleep({PAUSE});\n"
        "  END LOOP;\nEND $$"
    )
