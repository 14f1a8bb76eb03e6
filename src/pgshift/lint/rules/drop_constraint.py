"""Dropping a constraint loses a guarantee; dropping a foreign key locks both tables.

## Problem

Once a check, unique or foreign key constraint is gone, rows that break it can
be written, and nothing says so. Dropping a foreign key takes an ACCESS EXCLUSIVE
lock on the table and on the table it references, so it waits for (and then
blocks) the traffic of both.

## Solution

Make sure nothing relies on the constraint; drop one foreign key per migration,
with a lock timeout (`-- pgshift:lock-timeout 2s`) so a busy table makes the
migration fail fast and retry instead of queueing every query behind it.

## Examples

```sql bad line=1 severity=warning safe="-- pgshift:allow drop-constraint"
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
```

```sql bad line=1 severity=warning safe="-- pgshift:allow drop-constraint"
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_pkey CASCADE;
```

```sql bad line=1 severity=warning safe="-- pgshift:allow drop-constraint"
ALTER DOMAIN email DROP CONSTRAINT email_has_at;
```

```sql good
CREATE TABLE t (id bigint CONSTRAINT t_positive CHECK (id > 0));
ALTER TABLE t DROP CONSTRAINT t_positive;
```

```sql good
-- pgshift:lock-timeout 2s
-- pgshift:allow drop-constraint
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of, strings


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node == "AlterDomainStmt":
        if stmt.body.get("subtype") == "X":  # ALTER DOMAIN ... DROP CONSTRAINT
            domain = ".".join(strings(stmt.body.get("typeName")))
            name = stmt.body.get("name", "?")
            yield Hit(
                f"DROP CONSTRAINT {name} on domain {domain} removes a guarantee the data of "
                "every column of that type had.",
                "Check that nothing relies on it, and acknowledge with "
                "-- pgshift:allow drop-constraint.",
            )
        return
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_DropConstraint"):
        name = cmd.get("name", "?")
        yield Hit(
            f"DROP CONSTRAINT {name} on {table} removes a guarantee the data had; if it is a "
            "foreign key, both tables are locked ACCESS EXCLUSIVE while it is dropped.",
            "Check that nothing relies on it; drop one foreign key per migration with "
            "-- pgshift:lock-timeout 2s, and acknowledge with -- pgshift:allow drop-constraint.",
        )


RULE = Rule(
    "drop-constraint",
    "destructive",
    Severity.WARNING,
    "Dropping a constraint loses a guarantee; dropping a foreign key locks both tables.",
    check,
    nodes=frozenset({"AlterTableStmt", "AlterDomainStmt"}),
    doc=__doc__ or "",
)
