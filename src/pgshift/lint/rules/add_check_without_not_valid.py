"""A CHECK constraint added without NOT VALID scans the table under an exclusive lock.

## Problem

`ADD CONSTRAINT ... CHECK (...)` checks every existing row while an ACCESS
EXCLUSIVE lock stops all reads and writes. A `CHECK` written inline on
`ADD COLUMN` scans too, even though the new column is NULL everywhere.

## Solution

Add it `NOT VALID` (instant: only new rows are checked), then
`VALIDATE CONSTRAINT` in a later migration, which scans with a lock that lets
reads and writes go on.

## Examples

```sql bad line=1 severity=warning safe="ALTER TABLE ... VALIDATE CONSTRAINT ..."
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0);
```

```sql bad line=1 severity=warning safe="ALTER TABLE ... VALIDATE CONSTRAINT ..."
ALTER TABLE users ADD COLUMN age integer CHECK (age >= 0);
```

```sql good
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0) NOT VALID;
```

```sql good
ALTER TABLE users VALIDATE CONSTRAINT users_score_positive;
```

```sql good
CREATE TABLE prices (amount numeric);
ALTER TABLE prices ADD CONSTRAINT prices_positive CHECK (amount > 0);
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
)


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    checks = [c for c in added_constraints(stmt.body) if c.get("contype") == "CONSTR_CHECK"]
    for column in added_columns(stmt.body):
        checks += [c for c in column_constraints(column) if c.get("contype") == "CONSTR_CHECK"]
    for constraint in checks:
        if constraint.get("skip_validation"):
            continue
        name = constraint.get("conname") or "the check"
        yield Hit(
            f"adding CHECK {name} to {table} reads every row under an ACCESS EXCLUSIVE lock "
            f"that stops every read and write{ctx.size(table)}.",
            "Add it as ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID (instant), then "
            "ALTER TABLE ... VALIDATE CONSTRAINT ... in a later migration.",
        )


RULE = Rule(
    "add-check-without-not-valid",
    "locking",
    Severity.WARNING,
    "A CHECK constraint added without NOT VALID scans the table under an exclusive lock.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
