"""One migration that strongly locks several busy tables invites pile-ups and deadlocks.

## Problem

Each strong lock (ACCESS EXCLUSIVE, SHARE, SHARE ROW EXCLUSIVE) is held until
the migration commits. Taking them on two or more existing tables means queries
on all of them queue at once, and application transactions that lock the same
tables in the other order deadlock with the migration.

## Solution

One existing table per migration: split the file.

## Examples

```sql bad line=2 severity=warning safe="one migration for users"
ALTER TABLE users ADD COLUMN plan text;
ALTER TABLE orders ADD COLUMN currency text;
```

```sql bad line=2 severity=warning safe="one migration for users"
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX orders_total_idx ON orders (total);
```

```sql good
ALTER TABLE users ADD COLUMN plan text;
ALTER TABLE users ADD COLUMN trial_ends date;
```

```sql good
CREATE TABLE invoices (id bigint, user_id bigint);
ALTER TABLE invoices ADD COLUMN total numeric;
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
ALTER TABLE public.users ADD COLUMN plan text;
ALTER TABLE users ADD COLUMN trial_ends date;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, strong_locks
from pgshift.lint.model import Hit, Rule, Severity


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if not ctx.transactional or len(ctx.locked) > 1:
        return  # a second table was already reported
    held = {_plain(t) for t in ctx.locked}
    for table in strong_locks(stmt):
        if table and not ctx.is_new(table) and ctx.locked and _plain(table) not in held:
            (first,) = ctx.locked
            yield Hit(
                f"this migration strongly locks both {first} and {table} until it commits: "
                "queries on both queue at once, and transactions locking them in the other order "
                "deadlock with it.",
                f"Split it: one migration for {first}, another for {table}.",
            )
            return


def _plain(table: str) -> str:
    # public.users and users are one table (the default search_path)
    return table.removeprefix("public.")


RULE = Rule(
    "multiple-tables-locked",
    "locking",
    Severity.WARNING,
    "One migration that strongly locks several busy tables invites pile-ups and deadlocks.",
    check,
    doc=__doc__ or "",
)
