"""Dropping a schema or a database deletes everything in it.

## Problem

`DROP SCHEMA ... CASCADE` removes every table, view, function and type in the
schema with their data; `DROP DATABASE` removes the whole database (and cannot
even run inside a migration's transaction). Neither belongs in a migration that
runs unattended on every environment.

## Solution

Drop the objects one by one, each in the release after the code stopped using
them, after a backup; do whole-database work by hand, not in a migration.

## Examples

```sql bad line=1 severity=error safe="-- pgshift:allow drop-schema-or-database"
DROP SCHEMA billing CASCADE;
```

```sql bad line=1 severity=error safe="-- pgshift:allow drop-schema-or-database"
DROP SCHEMA IF EXISTS reporting;
```

```sql bad line=2 severity=error safe="by hand, after a backup"
-- pgshift:no-transaction
DROP DATABASE old_app;
```

```sql good
CREATE SCHEMA scratch;
DROP SCHEMA scratch;
```

```sql good
DROP VIEW reporting.daily_totals;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, created_schema
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import strings


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node == "DropdbStmt":
        yield Hit(
            f"DROP DATABASE {stmt.body.get('dbname', '')} deletes the whole database.",
            "Never drop a database from a migration; do it by hand, after a backup.",
        )
    if stmt.node != "DropStmt" or stmt.body.get("removeType") != "OBJECT_SCHEMA":
        return
    new = ctx.by(created_schema)
    for item in stmt.body.get("objects") or ():
        name = item["String"]["sval"] if "String" in item else ".".join(strings([item]))
        if ctx.earlier(new.get(name, ())):
            continue
        cascade = stmt.body.get("behavior") == "DROP_CASCADE"
        yield Hit(
            f"DROP SCHEMA {name}{' CASCADE' if cascade else ''} deletes "
            f"{'everything in the schema, with its data' if cascade else 'the schema'}.",
            "Drop the schema's objects one by one, each once the code no longer uses it and "
            "after a backup; acknowledge a deliberate drop with "
            "-- pgshift:allow drop-schema-or-database.",
        )


RULE = Rule(
    "drop-schema-or-database",
    "destructive",
    Severity.ERROR,
    "Dropping a schema or a database deletes everything in it.",
    check,
    nodes=frozenset({"DropStmt", "DropdbStmt"}),
    doc=__doc__ or "",
)
