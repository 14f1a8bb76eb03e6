"""CREATE INDEX without CONCURRENTLY blocks every write to the table while it builds.

## Problem

A plain `CREATE INDEX` (or `CREATE UNIQUE INDEX`) holds a SHARE lock on the table
for the whole build: reads go on, but every INSERT, UPDATE and DELETE waits, for
seconds to hours on a big table, and while the statement itself waits for its
lock, every later write queues behind it.

## Solution

`CREATE INDEX CONCURRENTLY`, in a migration of its own whose first line is
`-- pgshift:no-transaction` (it cannot run in a transaction). It reads the table
twice and lets writes go on. pgshift checks the index is valid afterwards and
drops an INVALID leftover of a failed build before retrying.

A partitioned table cannot build its index concurrently: build it concurrently on
each partition, then create the parent's index with `ON ONLY` (instant, it reads
no rows) and `ALTER INDEX ... ATTACH PARTITION` each partition's index.

On PostgreSQL 14, releases before 14.4 could silently corrupt indexes built
concurrently: update the server first.

Indexes on tables created in the same migration are fine: nobody uses them yet.

## Examples

```sql bad line=1 severity=warning safe="CREATE INDEX CONCURRENTLY"
CREATE INDEX users_email_idx ON users (email);
```

```sql bad line=1 severity=warning safe="CREATE UNIQUE INDEX CONCURRENTLY"
CREATE UNIQUE INDEX IF NOT EXISTS users_name_key ON users (name);
```

```sql bad line=1 severity=warning safe="CREATE INDEX CONCURRENTLY"
CREATE INDEX ON users (lower(email)) WHERE created_at > '2026-01-01';
```

```sql bad pg=14 line=1 severity=warning safe="CREATE INDEX CONCURRENTLY"
CREATE INDEX users_score_idx ON users (score);
```

```sql good
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
```

```sql good
CREATE TABLE audit (id bigint, at timestamptz);
CREATE INDEX audit_at_idx ON audit (at);
```

```sql good
-- the partitions' indexes were built CONCURRENTLY in the previous migration
CREATE INDEX events_kind_idx ON ONLY events (kind);
ALTER INDEX events_kind_idx ATTACH PARTITION events_2026_kind_idx;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import relation


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node != "IndexStmt" or body.get("concurrent"):
        return
    rangevar = body.get("relation") or {}
    table = relation(rangevar)
    # ON ONLY a partitioned parent makes an empty, invalid index: no rows are read
    if ctx.is_new(table) or not rangevar.get("inh", False):
        return
    name = body.get("idxname")
    unique = "UNIQUE " if body.get("unique") else ""
    note = (
        " PostgreSQL 14 before 14.4 could silently corrupt indexes built CONCURRENTLY: make "
        "sure the server runs 14.4 or later before switching."
        if ctx.pg_version == 14
        else ""
    )
    yield Hit(
        f"CREATE {unique}INDEX {f'{name} ' if name else ''}on {table} blocks every INSERT, "
        f"UPDATE and DELETE of {table} until the build ends{ctx.size(table)}.{note}",
        f"CREATE {unique}INDEX CONCURRENTLY {name or '<name>'} ON {table} (...), in a migration "
        "of its own whose first line is -- pgshift:no-transaction.",
    )


RULE = Rule(
    "create-index-non-concurrent",
    "locking",
    Severity.WARNING,
    "CREATE INDEX without CONCURRENTLY blocks every write to the table while it builds.",
    check,
    lock=Lock("ShareLock", table="users"),
    nodes=frozenset({"IndexStmt"}),
    doc=__doc__ or "",
)
