"""What a migration would destroy: read from its statements, then found in the database.

A statement that drops a table, schema or column, truncates, deletes or updates
every row, or narrows a column's type is a :class:`Loss`, as named in the file.
:func:`resolve` finds the live object it names and says what a backup of it
must save (an :class:`~pgshift.safety.manifest.Item`), or that nothing is there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from pgshift.lint.rules.narrowing_type_change import narrowing
from pgshift.migrations.statements import Statement
from pgshift.migrations.tree import alter_commands, relation, strings
from pgshift.safety.manifest import Item


@dataclass(frozen=True, slots=True)
class Loss:
    """What one statement destroys, as written in the file (names not yet resolved)."""

    kind: str  # "table", "schema" or "column"
    schema: str | None
    name: str  # table or schema name
    column: str | None
    line: int
    what: str  # "DROP TABLE", "DROP COLUMN", ...

    @property
    def needs_pg_dump(self) -> bool:
        """Whole tables and schemas go through pg_dump; a column does not."""
        return self.kind != "column"


# the nodes _losses reads a tree of
_LOSSY = frozenset({"DropStmt", "TruncateStmt", "DeleteStmt", "UpdateStmt", "AlterTableStmt"})


def losses(statements: Sequence[Statement]) -> tuple[Loss, ...]:
    """The data-destroying statements of a migration, from their parse trees."""
    found: list[Loss] = []
    for statement in statements:
        if statement.node in _LOSSY:  # the tree of a big file's statement is parsed anew
            found.extend(_losses(statement))
    return tuple(found)


def _split(name: str) -> tuple[str | None, str]:
    schema, _, bare = name.rpartition(".")
    return schema or None, bare


def _losses(statement: Statement) -> Iterator[Loss]:
    node, body, line = statement.node, statement.tree, statement.line
    if node == "DropStmt" and body.get("removeType") in ("OBJECT_TABLE", "OBJECT_SCHEMA"):
        kind = "table" if body["removeType"] == "OBJECT_TABLE" else "schema"
        for item in body.get("objects") or ():
            names = strings(item["List"]["items"]) if "List" in item else strings([item])
            if names:
                schema = names[-2] if len(names) > 1 and kind == "table" else None
                yield Loss(kind, schema, names[-1], None, line, f"DROP {kind.upper()}")
    elif node == "TruncateStmt":
        for rangevar in body.get("relations") or ():
            schema, name = _split(relation(rangevar.get("RangeVar")))
            yield Loss("table", schema, name, None, line, "TRUNCATE")
    elif node == "DeleteStmt" and body.get("whereClause") is None:
        schema, name = _split(relation(body.get("relation")))
        yield Loss("table", schema, name, None, line, "DELETE without WHERE")
    elif node == "UpdateStmt" and body.get("whereClause") is None:
        schema, name = _split(relation(body.get("relation")))
        for target in body.get("targetList") or ():
            column = target.get("ResTarget", {}).get("name")
            if column:
                yield Loss("column", schema, name, column, line, "UPDATE without WHERE")
    elif node == "AlterTableStmt" and body.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE":
        schema, name = _split(relation(body.get("relation")))
        for cmd in alter_commands(body):
            subtype, column = cmd.get("subtype"), cmd.get("name")
            if not column:
                continue
            if subtype == "AT_DropColumn":
                yield Loss("column", schema, name, column, line, "DROP COLUMN")
            elif subtype == "AT_AlterColumnType" and narrowing(
                (cmd.get("def") or {}).get("ColumnDef", {})
            ):
                yield Loss("column", schema, name, column, line, "narrowing type change")


# --- resolving what is about to be lost against the live database --------------------

_RESOLVE_TABLE = """
SELECT n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass(%s)
"""

_KEY = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = to_regclass(%s) AND i.indisprimary
ORDER BY k.position
"""

_COLUMN = """
SELECT format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a
WHERE a.attrelid = to_regclass(%s) AND a.attname = %s AND NOT a.attisdropped AND a.attnum > 0
"""

_REFERENCED_BY = """
SELECT format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s;',
              c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.contype = 'f' AND c.confrelid = to_regclass(%s) AND c.conrelid <> c.confrelid
ORDER BY 1
"""


def _regclass(schema: str | None, name: str) -> str:
    return sql.Identifier(*([schema] if schema else []), name).as_string()


def resolve(conn: psycopg.Connection[Any], loss: Loss, why: str) -> Item | None:
    """The live object a loss names, or None when there is nothing there to lose
    (the object does not exist yet, or holds no data)."""
    if loss.kind == "schema":
        found = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = %s", (loss.name,)
        ).fetchone()
        if found is None:
            return None
        has_data = conn.execute(
            "SELECT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S', 'm'))",
            (loss.name,),
        ).fetchone()
        return Item("schema", loss.name, None, why=why) if has_data and has_data[0] else None
    row = conn.execute(_RESOLVE_TABLE, (_regclass(loss.schema, loss.name),)).fetchone()
    if row is None or row[2] not in ("r", "p"):
        return None
    schema, table = str(row[0]), str(row[1])
    qualified = _regclass(schema, table)
    if loss.kind == "column":
        typed = conn.execute(_COLUMN, (qualified, loss.column)).fetchone()
        if typed is None:
            return None
        key = conn.execute(_KEY, (qualified,)).fetchall()
        if not key:  # no key to put values back by: save the whole table instead
            return Item("table", schema, table, why=why)
        return Item(
            "column",
            schema,
            table,
            column=loss.column,
            key=tuple(str(k[0]) for k in key),
            key_types=tuple(str(k[1]) for k in key),
            column_type=str(typed[0]),
            why=why,
        )
    referenced = conn.execute(_REFERENCED_BY, (qualified,)).fetchall()
    return Item("table", schema, table, why=why, referenced_by=tuple(str(r[0]) for r in referenced))


def has_data(conn: psycopg.Connection[Any], item: Item) -> bool:
    """True when the table (or, for a column, one of its values) holds anything."""
    table = sql.Identifier(item.schema, item.table or "")
    if item.kind == "column":
        query = sql.SQL("SELECT EXISTS (SELECT FROM {} WHERE {} IS NOT NULL)").format(
            table, sql.Identifier(item.column or "")
        )
    else:
        query = sql.SQL("SELECT EXISTS (SELECT FROM {})").format(table)
    row = conn.execute(query).fetchone()
    return bool(row and row[0])
