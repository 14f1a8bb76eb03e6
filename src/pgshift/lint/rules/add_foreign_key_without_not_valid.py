"""A foreign key added without NOT VALID blocks writes on both tables while it checks.

## Problem

`ADD CONSTRAINT ... FOREIGN KEY ... REFERENCES` checks every existing row
against the referenced table while holding a SHARE ROW EXCLUSIVE lock on both
tables: neither can be written until the scan ends. (`ADD COLUMN ... REFERENCES`
locks the new column's table ACCESS EXCLUSIVE.)

## Solution

Index the referencing columns first; add the key `NOT VALID` (instant), then
`VALIDATE CONSTRAINT` in a later migration, which lets writes go on. One foreign
key per migration.

## Examples

```sql bad line=1 severity=warning safe="VALIDATE CONSTRAINT"
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
```

```sql bad line=1 severity=warning safe="VALIDATE CONSTRAINT"
ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE;
```

```sql good
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
    NOT VALID;
```

```sql good
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
```

```sql good
CREATE TABLE invoices (id bigint, order_id bigint);
ALTER TABLE invoices ADD FOREIGN KEY (order_id) REFERENCES orders (id);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import (
    added_columns,
    added_constraints,
    altered_table,
    column_constraints,
    relation,
)


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    keys = [c for c in added_constraints(stmt.body) if c.get("contype") == "CONSTR_FOREIGN"]
    for column in added_columns(stmt.body):
        keys += [c for c in column_constraints(column) if c.get("contype") == "CONSTR_FOREIGN"]
    for key in keys:
        if key.get("skip_validation"):
            continue
        target = relation(key.get("pktable"))
        yield Hit(
            f"adding a foreign key from {table} to {target} checks every row of {table} while "
            f"writes to both tables wait{ctx.size(table)}.",
            "Index the referencing columns; ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID "
            "(instant); then VALIDATE CONSTRAINT in a later migration (writes go on).",
        )


RULE = Rule(
    "add-foreign-key-without-not-valid",
    "locking",
    Severity.WARNING,
    "A foreign key added without NOT VALID blocks writes on both tables while it checks.",
    check,
    lock=Lock("ShareRowExclusiveLock", table="orders"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
