"""DROP INDEX without CONCURRENTLY locks the table against reads and writes.

## Problem

A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table. The
drop itself is quick, but it must first wait for every running query on the
table, and while it waits every new query, reads included, queues behind it.

## Solution

`DROP INDEX CONCURRENTLY IF EXISTS ...`, in a migration whose first line is
`-- pgshift:no-transaction`: it waits for running queries without blocking new
ones. It takes one index per statement and no `CASCADE`: drop what depends on
the index (a foreign key relying on a unique index) first. An index created
earlier in the same migration may be dropped freely.

## Differs from squawk

squawk's `require-concurrent-index-deletion` flags dropping an index of a table
created earlier in the same migration; pgshift does not, as no one else uses that
table yet.

## Examples

```sql bad line=1 severity=warning safe="DROP INDEX CONCURRENTLY IF EXISTS"
DROP INDEX users_n_idx;
```

```sql bad line=1 severity=warning safe="DROP INDEX CONCURRENTLY IF EXISTS"
DROP INDEX IF EXISTS users_n_idx CASCADE;
```

```sql bad line=2 severity=warning safe="DROP INDEX CONCURRENTLY IF EXISTS"
SET lock_timeout = '2s';
DROP INDEX public.users_n_idx;
```

```sql good
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_n_idx;
```

```sql good
CREATE TABLE imports (id bigint, batch text);
CREATE INDEX imports_batch_idx ON imports (batch);
DROP INDEX imports_batch_idx;
```

```sql good
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
DROP INDEX CONCURRENTLY IF EXISTS users_name_idx;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare, created_index
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import strings


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node != "DropStmt" or body.get("removeType") != "OBJECT_INDEX":
        return
    if body.get("concurrent"):
        return
    created = ctx.by(created_index)
    names = [
        ".".join(strings(item.get("List", {}).get("items"))) for item in body.get("objects") or ()
    ]
    cascade = body.get("behavior") == "DROP_CASCADE"
    for name in names:
        if ctx.earlier(created.get(bare(name), ())):
            continue
        extra = (
            " CONCURRENTLY takes no CASCADE: drop what depends on the index first."
            if cascade
            else ""
        )
        yield Hit(
            f"DROP INDEX {name} locks its table ACCESS EXCLUSIVE: it waits for every running "
            "query on the table, and every new one, reads included, queues behind it.",
            f"DROP INDEX CONCURRENTLY IF EXISTS {name}; (one index per statement) in a "
            f"migration whose first line is -- pgshift:no-transaction.{extra}",
        )


RULE = Rule(
    "drop-index-non-concurrent",
    "locking",
    Severity.WARNING,
    "DROP INDEX without CONCURRENTLY locks the table against reads and writes.",
    check,
    # users_n_idx, the index of the examples, is on users
    lock=Lock("AccessExclusiveLock", table="users"),
    nodes=frozenset({"DropStmt"}),
    doc=__doc__ or "",
)
