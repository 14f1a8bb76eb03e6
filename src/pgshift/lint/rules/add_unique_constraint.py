"""A UNIQUE constraint builds its index under a lock that stops every read and write.

## Problem

`ADD CONSTRAINT ... UNIQUE (...)`, and `UNIQUE` written on `ADD COLUMN`, build a
unique index while holding an ACCESS EXCLUSIVE lock on the table: nothing reads
or writes the table until the whole index is built (0.6 s for 3 million rows on
a small machine, minutes on a big table). The build also fails on duplicates.

## Solution

Add the column alone; build the index with `CREATE UNIQUE INDEX CONCURRENTLY`
in a `-- pgshift:no-transaction` migration of its own (reads and writes go on);
then attach it as the constraint with `ADD CONSTRAINT ... UNIQUE USING INDEX`,
which is instant.

## Differs from squawk

squawk's `disallowed-unique-constraint` flags a unique constraint on a table created
earlier in the same migration; pgshift does not, as the table is empty and unused.

## Examples

```sql bad line=1 severity=warning safe="CREATE UNIQUE INDEX CONCURRENTLY"
ALTER TABLE users ADD COLUMN phone VARCHAR(20) CONSTRAINT phone_unique UNIQUE;
```

```sql bad line=1 severity=warning safe="CREATE UNIQUE INDEX CONCURRENTLY"
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
```

```sql good
ALTER TABLE users ADD COLUMN phone text;
```

```sql good
-- pgshift:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY users_phone_key ON users (phone);
```

```sql good
ALTER TABLE users ADD CONSTRAINT users_phone_key UNIQUE USING INDEX users_phone_key;
```

```sql good
CREATE TABLE teams (slug text);
ALTER TABLE teams ADD CONSTRAINT teams_slug_key UNIQUE (slug);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare
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
    found: list[tuple[dict[str, object], str, bool]] = []
    for constraint in added_constraints(stmt.body):
        keys = [k["String"]["sval"] for k in constraint.get("keys") or () if "String" in k]
        found.append((constraint, ", ".join(keys) or "...", False))
    for column in added_columns(stmt.body):
        for constraint in column_constraints(column):
            found.append((constraint, str(column.get("colname", "?")), True))
    for constraint, columns, inline in found:
        if constraint.get("contype") != "CONSTR_UNIQUE" or constraint.get("indexname"):
            continue
        name = constraint.get("conname") or f"{bare(table)}_{columns.split(',')[0]}_key"
        first = f"add the column {columns} without UNIQUE (instant); " if inline else ""
        yield Hit(
            f"ADD ... UNIQUE on {table} builds its index under an ACCESS EXCLUSIVE lock: every "
            f"read and write of {table} waits for the whole build{ctx.size(table)}.",
            f"{first}then, in a migration of its own starting with -- pgshift:no-transaction: "
            f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns}); then "
            f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name} (instant).",
        )


RULE = Rule(
    "add-unique-constraint",
    "locking",
    Severity.WARNING,
    "A UNIQUE constraint builds its index under a lock that stops every read and write.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
