"""CREATE INDEX CONCURRENTLY IF NOT EXISTS keeps the broken index a failed build left.

## Problem

A concurrent index build that fails (duplicates for a unique index, a lock
timeout, a cancelled session) leaves an INVALID index of that name behind: it
is not used by queries, yet still slows every write. Run again with
`IF NOT EXISTS`, the statement sees the name, skips, and the broken index
stays; a later `ADD CONSTRAINT ... USING INDEX` then fails.

## Solution

Write it without `IF NOT EXISTS`: before retrying such a statement, pgshift drops
an INVALID index of the same name (`DROP INDEX CONCURRENTLY`) and builds it
again. By hand: `DROP INDEX CONCURRENTLY IF EXISTS` first.

## Examples

```sql bad line=2 severity=warning safe="DROP INDEX CONCURRENTLY IF EXISTS"
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
```

```sql bad line=2 severity=warning safe="DROP INDEX CONCURRENTLY IF EXISTS"
-- pgshift:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
```

```sql good
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql good
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node == "IndexStmt" and body.get("concurrent") and body.get("if_not_exists"):
        name = body.get("idxname", "the index")
        yield Hit(
            f"if an earlier build of {name} failed, it left an INVALID index of that name, and "
            "IF NOT EXISTS skips the build and keeps it.",
            f"Write CREATE INDEX CONCURRENTLY {name} without IF NOT EXISTS (pgshift drops an "
            "INVALID leftover before a retry), or DROP INDEX CONCURRENTLY IF EXISTS first.",
        )


RULE = Rule(
    "invalid-index-leftover",
    "transactions",
    Severity.WARNING,
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS keeps the broken index a failed build left.",
    check,
    nodes=frozenset({"IndexStmt"}),
    doc=__doc__ or "",
)
