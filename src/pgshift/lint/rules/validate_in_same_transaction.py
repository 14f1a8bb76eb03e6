"""VALIDATE CONSTRAINT in the transaction that took a strong lock keeps that lock for the scan.

## Problem

`VALIDATE CONSTRAINT` is the slow half of the `NOT VALID` route, and it is meant
to run with a lock that lets reads and writes go on. In the same transaction as
the `ADD CONSTRAINT ... NOT VALID` (or any other strong lock on the table), the
earlier ACCESS EXCLUSIVE lock is still held during the whole scan, which defeats
the purpose.

## Solution

Put `VALIDATE CONSTRAINT` in a migration of its own, after the one that added
the constraint.

## Examples

```sql bad line=2 severity=warning safe="VALIDATE CONSTRAINT"
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_score_positive;
```

```sql bad line=3 severity=warning safe="VALIDATE CONSTRAINT"
ALTER TABLE users ALTER COLUMN name SET DEFAULT 'anonymous';
ALTER TABLE users ADD CONSTRAINT users_n_check CHECK (n >= 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_n_check;
```

```sql good
ALTER TABLE users VALIDATE CONSTRAINT users_score_positive;
```

```sql good
-- pgshift:no-transaction
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_score_positive;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or not ctx.transactional or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_ValidateConstraint"):
        name = cmd.get("name", "?")
        earlier = ctx.locked.get(table)
        if earlier is None:
            continue
        yield Hit(
            f"VALIDATE CONSTRAINT {name} runs in the transaction that already locked {table} "
            f"({earlier}): that lock is held for the whole scan{ctx.size(table)}.",
            "Move VALIDATE CONSTRAINT to a migration of its own, after the one that added the "
            "constraint NOT VALID.",
        )


RULE = Rule(
    "validate-in-same-transaction",
    "locking",
    Severity.WARNING,
    "VALIDATE CONSTRAINT in the transaction that took a strong lock keeps that lock for the scan.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
