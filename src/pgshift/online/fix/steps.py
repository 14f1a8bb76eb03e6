"""The pieces ``pgshift fix`` builds its rewrites from: steps, names and batched backfills."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAGES = 8  # heap pages the first backfill batch covers; later ones adapt
BATCH_MS = (5, 15)  # a batch quicker than this grows, slower shrinks: row locks stay short
MAX_PAGES = 2000

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
    from pgshift.db.quoting import quote as quote_ident

    return quote_ident(name)


def qualified(table: str) -> str:
    """A table name as written in a migration (``schema.name`` or ``name``), quoted."""
    from pgshift.schema.dump import ident

    return ident(*table.split("."))


def not_volatile() -> frozenset[str]:
    """The built-in functions taken as stable or immutable (lint's list); others are volatile."""
    from pgshift.lint.rules.add_column_volatile_default import NOT_VOLATILE

    return NOT_VOLATILE


def backfill(table: str, qualified: str, assignment: str, pending: str) -> str:
    """A DO block that runs ``UPDATE qualified SET assignment WHERE pending`` in batches.

    The batches are page ranges of the table as it was (a TID range scan each,
    PostgreSQL 14+), each committed on its own: new row versions land further on and
    ``pending`` no longer holds for them, so no row is done twice and no batch
    rescans the ones before it. A batch is sized to take 5 to 15 ms, so a write
    that meets its row locks waits no longer, and is followed by a pause twice its
    length, which leaves the server's time mostly to the application. Progress and
    an ETA go out as notices (``pgshift: ...``) every 5 seconds, which ``migrate``
    shows."""
    literal = table.replace("'", "''")  # for the messages
    relation = qualified.replace("'", "''")  # as a regclass: quoted names stay as written
    low, high = (ms / 1000 for ms in BATCH_MS)
    return (
        "DO $$\nDECLARE\n"
        f"  last bigint := pg_relation_size('{relation}') / current_setting('block_size')::int;"
        f"\n  page bigint := 0;\n  pages int := {PAGES};\n  started timestamptz;\n"
        "  took float8;\n  began timestamptz := clock_timestamp();\n"
        "  told timestamptz := clock_timestamp();\nBEGIN\n"
        f"  RAISE NOTICE 'pgshift: backfill of {literal}: % pages', last + 1;\n"
        "  WHILE page <= last LOOP\n"
        "    started := clock_timestamp();\n"
        f"    UPDATE {qualified} SET {assignment}\n"
        "    WHERE ctid >= format('(%s,0)', page)::tid\n"
        f"      AND ctid < format('(%s,0)', page + pages)::tid AND {pending};\n"
        "    COMMIT;\n    page := page + pages;\n"
        "    took := extract(epoch FROM clock_timestamp() - started);\n"
        f"    IF took < {low} THEN pages := least(pages * 2, {MAX_PAGES});\n"
        f"    ELSIF took > {high} THEN pages := greatest(pages / 2, 1);\n    END IF;\n"
        "    PERFORM pg_sleep(2 * took);\n"
        "    IF clock_timestamp() - told > interval '5 seconds' AND page <= last THEN\n"
        f"      RAISE NOTICE 'pgshift: backfill of {literal}: % of % pages, about % s left',\n"
        "        page, last + 1, round(extract(epoch FROM clock_timestamp() - began)\n"
        "          * (last + 1 - page) / page);\n"
        "      told := clock_timestamp();\n    END IF;\n"
        "  END LOOP;\n"
        f"  RAISE NOTICE 'pgshift: backfill of {literal} done in % s',\n"
        "    round(extract(epoch FROM clock_timestamp() - began)::numeric, 1);\n"
        "END $$"
    )
