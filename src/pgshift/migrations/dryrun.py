"""A dry run: the SQL that applying a migration would send, as a script to read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from psycopg import sql

if TYPE_CHECKING:
    import psycopg

    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.statements import Statement


def render(
    conn: psycopg.Connection[Any],
    migration: Migration,
    statements: Sequence[Statement],
    settings: Sequence[sql.Composed],
    *,
    schema: str,
    pgshift_version: str,
) -> str:
    """``migration`` as a script: its transaction, the ``settings`` it runs with, its
    statements and its history row (quoted for ``conn``)."""
    lines = [f"-- {migration.name}"]
    transactional = migration.directives.transaction
    if migration.language == "python":
        lines.append(f"-- (Python migration: up(conn) in {migration.path})")
    if transactional:
        lines.append("BEGIN;")
    lines.extend(s.as_string(conn) + ";" for s in settings)
    lines.extend(f"{s.sql};" for s in statements)
    record = sql.SQL(
        "INSERT INTO {}.history (version, slug, kind, checksum, pgshift_version) "
        "VALUES ({}, {}, {}, {}, {});"
    ).format(
        sql.Identifier(schema),
        sql.Literal(migration.version),
        sql.Literal(migration.slug),
        sql.Literal("baseline" if migration.baseline else migration.kind),
        sql.Literal(migration.checksum),
        sql.Literal(pgshift_version),
    )
    lines.append(record.as_string(conn))
    if transactional:
        lines.append("COMMIT;")
    return "\n".join(lines)
