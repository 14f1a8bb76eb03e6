"""VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED and SET TABLESPACE rewrite the whole table.

## Problem

These commands copy the whole table (and rebuild its indexes) into new files
while an ACCESS EXCLUSIVE lock stops every read and write of it, and need room
for a second copy meanwhile: minutes of downtime on a big table, and a disk that
may fill up. `ALTER TABLE ALL IN TABLESPACE ... SET TABLESPACE` does it to every
table it moves.

## Solution

Keep them out of migrations. To reclaim space or reorder rows, run them by hand
in a maintenance window, or rebuild the table online with a tool that copies it
in the background and swaps it in at the end. Tables created in the same
migration are fine: they are empty.

## Examples

```sql bad line=1 severity=warning safe="maintenance window"
CLUSTER orders USING orders_pkey;
```

```sql bad line=1 severity=warning safe="maintenance window"
ALTER TABLE orders SET UNLOGGED;
```

```sql bad line=2 severity=warning safe="maintenance window"
ALTER TABLE orders CLUSTER ON orders_pkey;
CLUSTER orders;
```

```sql bad line=2 severity=warning safe="maintenance window"
-- pgshift:no-transaction
VACUUM (FULL, ANALYZE) orders;
```

```sql good
-- pgshift:no-transaction
VACUUM (ANALYZE) orders;
```

```sql good
CREATE TABLE staging (line text);
ALTER TABLE staging SET UNLOGGED;
```

```sql good
ALTER TABLE orders CLUSTER ON orders_pkey;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import Node, alter_commands, altered_table, relation

_ALTERS = {
    "AT_SetLogged": "SET LOGGED",
    "AT_SetUnLogged": "SET UNLOGGED",
    "AT_SetTableSpace": "SET TABLESPACE",
    "AT_SetAccessMethod": "SET ACCESS METHOD",
}
_OFF = {"false", "off", "0", "no"}
_SAFE = (
    "Keep it out of migrations: run it by hand in a maintenance window, or rebuild the table "
    "online with a tool that copies it in the background and swaps it in at the end."
)


def _full(body: Node) -> bool:
    """Whether a VACUUM's options ask for FULL (``FULL``, ``(FULL)``, ``(FULL true)``)."""
    for option in body.get("options") or ():
        elem = option.get("DefElem", {})
        if elem.get("defname") == "full":
            arg = elem.get("arg") or {}
            value = arg.get("String", {}).get("sval") or arg.get("Integer", {}).get("ival", 1)
            return str(value).lower() not in _OFF
    return False


def _effect(what: str, ctx: Context, table: str, rewrites: str = "rewrites the table") -> str:
    size = ctx.size(table) if table else ""
    return (
        f"{what} {rewrites} under an ACCESS EXCLUSIVE lock that stops every read and write "
        f"until it ends{size}, and needs room for a second copy meanwhile."
    )


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node == "VacuumStmt" and _full(body):
        rels = [
            relation(r.get("VacuumRelation", {}).get("relation")) for r in body.get("rels") or ()
        ]
        if not rels:
            yield Hit(_effect("VACUUM FULL of the whole database", ctx, ""), _SAFE)
        for table in rels:
            if not ctx.is_new(table):
                yield Hit(_effect(f"VACUUM FULL {table}", ctx, table), _SAFE)
    elif stmt.node == "ClusterStmt":
        clustered = relation(body.get("relation"))
        if not clustered:
            yield Hit(_effect("CLUSTER of every table clustered before", ctx, ""), _SAFE)
        elif not ctx.is_new(clustered):
            yield Hit(_effect(f"CLUSTER {clustered}", ctx, clustered), _SAFE)
    elif stmt.node == "AlterTableMoveAllStmt" and body.get("objtype") == "OBJECT_TABLE":
        source = body.get("orig_tablespacename", "?")
        what = f"ALTER TABLE ALL IN TABLESPACE {source}"
        yield Hit(_effect(what, ctx, "", "copies every table it moves, each"), _SAFE)
    altered = altered_table(stmt.node, body)
    if altered and not ctx.is_new(altered):
        for cmd in alter_commands(body):
            form = _ALTERS.get(str(cmd.get("subtype")))
            if form:
                yield Hit(_effect(f"ALTER TABLE {altered} {form}", ctx, altered), _SAFE)


RULE = Rule(
    "table-rewrite-command",
    "locking",
    Severity.WARNING,
    "VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED and SET TABLESPACE rewrite the whole table.",
    check,
    # orders, not users: users is referenced by a logged table, so it cannot become unlogged
    lock=Lock("AccessExclusiveLock", table="orders", rewrite=True),
    nodes=frozenset({"VacuumStmt", "ClusterStmt", "AlterTableStmt", "AlterTableMoveAllStmt"}),
    doc=__doc__ or "",
)
