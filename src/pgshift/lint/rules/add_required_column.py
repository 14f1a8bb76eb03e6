"""A new NOT NULL column without a default fails on a table that has rows.

## Problem

`ADD COLUMN ... NOT NULL` with no `DEFAULT` must give every existing row a
value it does not have: on a table with rows the statement fails ("column
contains null values"), so the migration works on an empty development database
and breaks in production. On an empty table it succeeds, and then the running
application's INSERTs, which do not know the column, fail.

## Solution

Give it a constant default, `ADD COLUMN ... NOT NULL DEFAULT 'x'`, which is
instant since PostgreSQL 11; or add it nullable, backfill, and make it NOT NULL
by the CHECK ... NOT VALID route.

## Differs from squawk

squawk's `adding-required-field` flags a `NOT NULL` column of a serial type
(`bigserial`, an identity); PostgreSQL fills it from its sequence for every existing
row, so the statement runs (it rewrites the table, which `add-column-generated-or-
serial` says).

## Examples

```sql bad line=1 severity=error safe="NOT NULL DEFAULT ..." fails=23502
ALTER TABLE users ADD COLUMN plan text NOT NULL;
```

```sql bad line=1 severity=error safe="NOT NULL DEFAULT ..." fails=23502
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL, ADD COLUMN note text;
```

```sql good
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
```

```sql good
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
CREATE TABLE plans (id bigint);
ALTER TABLE plans ADD COLUMN name text NOT NULL;
```

```sql good
ALTER TABLE orders ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import added_columns, altered_table, column_constraints

_FILLED = {"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"}


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for column in added_columns(stmt.body):
        kinds = {c.get("contype") for c in column_constraints(column)}
        serial = (column.get("typeName") or {}).get("names", [{}])[-1].get("String", {})
        if "CONSTR_NOTNULL" in kinds and not kinds & _FILLED:
            if str(serial.get("sval", "")).endswith("serial"):
                continue
            name = column.get("colname", "?")
            yield Hit(
                f"ADD COLUMN {name} NOT NULL without a DEFAULT fails on {table} as soon as it "
                f"has rows{ctx.size(table)}, and breaks the running application's INSERTs.",
                f"Give it a constant default (ADD COLUMN {name} ... NOT NULL DEFAULT ..., instant "
                "since PostgreSQL 11), or add it nullable, backfill, then add NOT NULL.",
            )


RULE = Rule(
    "add-required-column",
    "compatibility",
    Severity.ERROR,
    "A new NOT NULL column without a default fails on a table that has rows.",
    check,
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
