"""SET NOT NULL scans the whole table while holding an exclusive lock.

## Problem

`ALTER COLUMN ... SET NOT NULL` reads every row to check that none is NULL, and
holds an ACCESS EXCLUSIVE lock the whole time: no reads, no writes. It also fails
the migration if a NULL is found.

## Solution

Add `CHECK (col IS NOT NULL) NOT VALID` (instant), `VALIDATE CONSTRAINT` in a
later migration (a scan that lets reads and writes go on), then `SET NOT NULL`,
which uses the validated check instead of scanning, and drop the check.

## Differs from squawk

squawk's `adding-not-nullable-field` flags `SET NOT NULL` unless a `VALIDATE
CONSTRAINT` of the same table comes before it, whatever column that check is about.
pgshift stays silent only where a validated `CHECK (column IS NOT NULL)` on that
very column is known: in the live database, an earlier file, or earlier in the file.

## Examples

```sql bad line=1 severity=warning safe="VALIDATE CONSTRAINT"
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
```

```sql bad line=1 severity=warning safe="VALIDATE CONSTRAINT"
ALTER TABLE users ALTER COLUMN name SET NOT NULL, ALTER COLUMN n SET NOT NULL;
```

```sql good
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
```

```sql good
-- after: ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null; (its own migration)
-- pgshift:allow set-not-null
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
```

```sql good
CREATE TABLE tags (label text);
ALTER TABLE tags ALTER COLUMN label SET NOT NULL;
```

```sql good
-- a validated check (from an earlier migration, the live database, or here) proves it
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
```

```sql bad pg=11 line=4 severity=warning safe="VALIDATE CONSTRAINT"
-- before PostgreSQL 12 the check does not spare the scan
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_SetNotNull"):
        column = cmd.get("name", "?")
        # PostgreSQL 12 and later skip the scan when a validated check proves the column
        if ctx.at_least(12) is not False and ctx.proves_not_null(table, column):
            continue
        yield Hit(
            f"SET NOT NULL on {table}.{column} scans every row under an ACCESS EXCLUSIVE lock "
            f"that stops every read and write{ctx.size(table)}.",
            f"ADD CONSTRAINT {column}_not_null CHECK ({column} IS NOT NULL) NOT VALID; VALIDATE "
            "CONSTRAINT in a later migration; then SET NOT NULL (no scan: the check proves it) "
            "and drop the check.",
        )


RULE = Rule(
    "set-not-null",
    "locking",
    Severity.WARNING,
    "SET NOT NULL scans the whole table while holding an exclusive lock.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
