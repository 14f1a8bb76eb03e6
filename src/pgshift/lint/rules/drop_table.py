"""Dropping a table deletes its data for good and locks the tables it references.

## Problem

`DROP TABLE` cannot be undone without a backup, and the application version still
running during a deploy keeps querying the table. It takes an ACCESS EXCLUSIVE
lock on the table and on every table its foreign keys reference, so a drop of a
table pointing at a busy one stalls that one's traffic too. `CASCADE` also drops
the views and foreign keys of other tables that depend on it.

## Solution

Stop using the table in one release; in a later one, drop its foreign keys one
migration at a time, then drop the table in a migration of its own, after a backup
of it (`pg_dump --table`) or a check that it is empty. Tables created in the same
migration may be dropped freely.

## Differs from squawk

squawk's `ban-drop-table` flags dropping a table created earlier in the same
migration; pgshift does not: such a table holds no data and no running code uses it
yet.

## Examples

```sql bad line=1 severity=error safe="-- pgshift:allow drop-table"
DROP TABLE orders;
```

```sql bad line=1 severity=error safe="-- pgshift:allow drop-table"
DROP TABLE IF EXISTS orders CASCADE;
```

```sql good
CREATE TABLE scratch (id bigint);
DROP TABLE scratch;
```

```sql good
-- pgshift:allow drop-table
DROP TABLE orders;  -- unused since release 41; backed up with pg_dump
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import strings


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node != "DropStmt" or stmt.body.get("removeType") != "OBJECT_TABLE":
        return
    for item in stmt.body.get("objects") or ():
        table = ".".join(strings(item.get("List", {}).get("items")))
        if ctx.is_new(table):
            continue
        cascade = " with CASCADE (dependent views and foreign keys go too)"
        yield Hit(
            f"DROP TABLE {table}{cascade if stmt.body.get('behavior') == 'DROP_CASCADE' else ''} "
            f"deletes its data for good{ctx.size(table)}, and locks every table it references.",
            "Stop using the table first; drop its foreign keys one per migration; take a backup; "
            "then drop it in a migration of its own and acknowledge with "
            "-- pgshift:allow drop-table.",
        )


RULE = Rule(
    "drop-table",
    "destructive",
    Severity.ERROR,
    "Dropping a table deletes its data and locks the tables it references.",
    check,
    # dropping orders locks users, the table its foreign key references
    lock=Lock("AccessExclusiveLock", "users"),
    nodes=frozenset({"DropStmt"}),
    doc=__doc__ or "",
)
