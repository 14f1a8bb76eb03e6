"""Data changes in the transaction of a schema change keep its lock for their whole time.

## Problem

A migration runs in one transaction, and every lock it takes is held until it
commits. A backfill (`UPDATE`, `INSERT ... SELECT`, `DELETE`, `MERGE`) after an
`ALTER TABLE` or a `CREATE INDEX` keeps that statement's lock for as long as the
data change takes: with an ACCESS EXCLUSIVE lock, the table is down for the whole
backfill. The other way round, a schema change after a data change waits for its
lock while the rows already written stay locked, and then holds both until the
end.

## Solution

Change the schema in one migration and the data in another, the data in batches
(a `-- pgshift:no-transaction` or Python migration). Seed rows for a table created
in the same migration are fine: nobody else uses it yet.

## Examples

```sql bad line=2 severity=warning safe="-- pgshift:no-transaction"
ALTER TABLE users ADD COLUMN plan text;
UPDATE users SET plan = 'free' WHERE plan IS NULL;
```

```sql bad line=2 severity=warning safe="in the next"
UPDATE orders SET total = 0 WHERE total IS NULL;
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;
```

```sql bad line=2 severity=warning safe="-- pgshift:no-transaction"
CREATE INDEX orders_total_idx ON orders (total);
DELETE FROM orders WHERE total < 0;
```

```sql good
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
CREATE TABLE plans (name text PRIMARY KEY);
INSERT INTO plans VALUES ('free'), ('pro');
CREATE INDEX plans_name_idx ON plans (lower(name));
```

```sql good
-- pgshift:no-transaction
ALTER TABLE users ADD COLUMN plan text;
UPDATE users SET plan = 'free' WHERE plan IS NULL;
```
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, Test, strong_locks
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import relation, walk

_WRITES = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})


# A write inside a statement (a data-modifying CTE) is spelt with its keyword.
_NESTED = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _written(stmt: Stmt, ctx: Context) -> list[str]:
    """The existing tables a statement writes rows of (data-modifying CTEs included)."""
    found = []
    if stmt.node in _WRITES or (stmt.node == "CopyStmt" and stmt.body.get("is_from")):
        found.append(relation(stmt.body.get("relation")))
    # most statements name no other write after their first word: no walk of the tree
    if _NESTED.search(stmt.sql, len(stmt.sql.split(None, 1)[0]) if stmt.sql else 0):
        found += [relation(b.get("relation")) for kind, b in walk(stmt.body) if kind in _WRITES]
    return [t for t in dict.fromkeys(found) if t and not ctx.is_new(t, before=stmt.index)]


def _locking(stmt: Stmt, ctx: Context) -> list[str]:
    return [t for t in strong_locks(stmt) if t and not ctx.is_new(t, before=stmt.index)]


def _writes(stmt: Stmt, ctx: Context) -> bool:
    return bool(_written(stmt, ctx))


def _locks(stmt: Stmt, ctx: Context) -> bool:
    return bool(_locking(stmt, ctx))


def _after_first(ctx: Context, first: Test, then: Test) -> bool:
    """Whether a statement passing ``then`` came between the first one passing ``first``
    and the current one."""
    begun = ctx.first(first)
    if begun is None or begun >= ctx.index:
        return False
    thens = ctx.where(then)
    at = bisect.bisect_right(thens, begun)
    return at < len(thens) and thens[at] < ctx.index


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if not ctx.transactional:
        return
    written = _written(stmt, ctx)
    if written and ctx.locked:
        # said once: at the first data change after the first lock
        if _after_first(ctx, _locks, _writes):
            return
        yield Hit(
            f"this data change on {', '.join(written)} runs in the transaction that locked "
            f"{', '.join(sorted(ctx.locked))}: the lock is held until the data change ends"
            f"{ctx.size(written[0])}.",
            "Change the schema in one migration and the data in the next, in batches (a "
            "-- pgshift:no-transaction or Python migration).",
        )
        return
    touched = _locking(stmt, ctx)
    if not touched:
        return
    # said once: at the first schema change after the first data change
    wrote = ctx.first(_writes)
    if wrote is None or wrote >= ctx.index or _after_first(ctx, _writes, _locks):
        return
    yield Hit(
        f"this schema change of {', '.join(touched)} follows a data change in the same "
        "transaction, which holds its row locks and makes the migration long.",
        "Change the data in one migration and the schema in the next.",
    )


RULE = Rule(
    "dml-with-ddl-same-transaction",
    "locking",
    Severity.WARNING,
    "Data changes in the transaction of a schema change keep its lock for their whole time.",
    check,
    doc=__doc__ or "",
)
