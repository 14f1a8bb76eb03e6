"""A foreign key without an index on its columns makes deletes and joins scan the table.

## Problem

PostgreSQL indexes the referenced side of a foreign key (its primary key) but
not the referencing columns. Every `DELETE` or key `UPDATE` on the parent then
scans the whole child table to find referencing rows (under locks, for
`ON DELETE CASCADE`), and joins from parent to children scan too.

## Solution

Index the referencing columns (as the leading columns of an index), in the same
migration for a new table, or with `CREATE INDEX CONCURRENTLY` for an existing
one before adding the key.

## Examples

```sql bad line=1 severity=info safe="CREATE INDEX"
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint REFERENCES posts (id));
```

```sql bad line=1 severity=info safe="CREATE INDEX"
ALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id)
    REFERENCES coupons (id) NOT VALID;
```

```sql good
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint REFERENCES posts (id));
CREATE INDEX comments_post_id_idx ON comments (post_id);
```

```sql good
CREATE TABLE post_tags (
    post_id bigint REFERENCES posts (id),
    tag_id bigint REFERENCES tags (id),
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import (
    Node,
    added_columns,
    added_constraints,
    altered_table,
    column_constraints,
    relation,
    strings,
)


def _keys(constraint: Node, key: str) -> list[str]:
    return strings(constraint.get(key))


def _foreign_keys(stmt: Stmt) -> list[list[str]]:
    body = stmt.body
    found: list[list[str]] = []
    columns: list[Node] = []
    constraints: list[Node] = []
    if stmt.node == "CreateStmt":
        columns = [e["ColumnDef"] for e in body.get("tableElts") or () if "ColumnDef" in e]
        constraints = [e["Constraint"] for e in body.get("tableElts") or () if "Constraint" in e]
    elif altered_table(stmt.node, body):
        columns, constraints = added_columns(body), added_constraints(body)
    for column in columns:
        for constraint in column_constraints(column):
            if constraint.get("contype") == "CONSTR_FOREIGN":
                found.append([column.get("colname", "?")])
    found += [_keys(c, "fk_attrs") for c in constraints if c.get("contype") == "CONSTR_FOREIGN"]
    return found


def _indexing(stmt: Stmt) -> tuple[str, ...]:
    """The table a statement may give an index: CREATE INDEX, or CREATE TABLE (its keys)."""
    if stmt.node not in ("IndexStmt", "CreateStmt"):
        return ()
    return (bare(relation(stmt.body.get("relation"))),)


def _indexed(ctx: Context, table: str) -> list[list[str]]:
    """Leading-column lists of the indexes the file gives ``table``."""
    lists: list[list[str]] = []
    for position in ctx.by(_indexing).get(bare(table), ()):
        stmt = ctx.statements[position]
        body = stmt.body
        if stmt.node == "IndexStmt":
            lists.append([p.get("IndexElem", {}).get("name", "") for p in body["indexParams"]])
        if stmt.node == "CreateStmt":
            for element in body.get("tableElts") or ():
                constraint = element.get("Constraint", {})
                if constraint.get("contype") in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
                    lists.append(_keys(constraint, "keys"))
                for inline in column_constraints(element.get("ColumnDef", {})):
                    if inline.get("contype") in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
                        lists.append([element["ColumnDef"].get("colname", "")])
    return lists


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = relation(stmt.body.get("relation"))
    if stmt.node not in ("CreateStmt", "AlterTableStmt") or not table:
        return
    keys = _foreign_keys(stmt)
    indexes = _indexed(ctx, table) if keys else []
    for columns in keys:
        if any(sorted(index[: len(columns)]) == sorted(columns) for index in indexes):
            continue
        listed = ", ".join(columns)
        unless = "" if ctx.is_new(table) or stmt.node == "CreateStmt" else " unless one exists"
        yield Hit(
            f"the foreign key ({listed}) of {table} has no index{unless}: deletes on the "
            "referenced table and joins to it scan the whole table.",
            f"CREATE INDEX {bare(table)}_{'_'.join(columns)}_idx ON {table} ({listed}) "
            "(CONCURRENTLY, in a no-transaction migration, for an existing table).",
        )


RULE = Rule(
    "fk-without-index",
    "style",
    Severity.INFO,
    "A foreign key without an index on its columns makes deletes and joins scan the table.",
    check,
    nodes=frozenset({"CreateStmt", "AlterTableStmt"}),
    doc=__doc__ or "",
)
