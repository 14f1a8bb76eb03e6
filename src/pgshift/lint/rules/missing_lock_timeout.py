"""A statement that needs a strong lock, with no lock_timeout, can stall every query.

## Problem

`ALTER TABLE`, `CREATE INDEX`, `CREATE TRIGGER` and their kind need a strong
lock; while the statement waits for it (behind one long transaction, say), every
later query on the table queues behind the waiting statement, so one slow
report turns a quick migration into an outage. With a `lock_timeout` the
migration gives up instead, and can be retried.

## When it speaks

`pgshift migrate` sets a `lock_timeout` of 5 s for every migration: that is the
default of the `lock_timeout` setting, so it holds in a project whose `pgshift.toml`
does not set it and outside a project (no `pgshift.toml` at all) alike. `pgshift
lint` judges a file as `pgshift migrate` runs it, with the same settings, so this
rule speaks only where the timeout is turned off: by the configuration
(`lock_timeout = 0` in `pgshift.toml`, or `PGSHIFT_LOCK_TIMEOUT=0`), or by the file
(`-- pgshift:lock-timeout 0`, or `RESET lock_timeout` before the statement).

If another tool runs your migrations (one that sets no `lock_timeout`), lint them
with `lock_timeout = 0` in `pgshift.toml` or `PGSHIFT_LOCK_TIMEOUT=0`, so lint judges
them as that tool runs them.

## Solution

Keep the default `lock_timeout`, or put `-- pgshift:lock-timeout 2s` at the top
of the file, so the lock wait is bounded. Not for `CONCURRENTLY` statements,
which wait for other transactions by design.

## Differs from squawk

squawk asks for a lock_timeout before every statement of a file that has none.
pgshift speaks once per file, at the first statement that waits for a lock that
blocks writes (SHARE or stronger) on a table that already exists, and not at all
where the runner sets its own timeout (5 s unless turned off): `CREATE TYPE`,
`COMMENT`, `CREATE VIEW`, the `CONCURRENTLY` statements and `VALIDATE CONSTRAINT`
queue no reads or writes behind them while they wait, and a table the file has just
created has no other users.

## Examples

```sql bad line=2 severity=warning safe="-- pgshift:lock-timeout 2s"
-- pgshift:lock-timeout 0
ALTER TABLE users ADD COLUMN phone VARCHAR(20) CONSTRAINT phone_unique UNIQUE;
```

```sql bad line=2 severity=warning safe="-- pgshift:lock-timeout 2s"
-- pgshift:lock-timeout 0
CREATE INDEX users_name_idx ON users (name);
```

```sql bad line=3 severity=warning safe="-- pgshift:lock-timeout 2s"
SET lock_timeout = '2s';
RESET lock_timeout;
ALTER TABLE users ADD COLUMN phone text;
```

```sql good
-- pgshift:lock-timeout 2s
ALTER TABLE users ADD COLUMN phone text;
```

```sql good
-- pgshift:lock-timeout 0
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN phone text;
```

```sql good
-- pgshift:lock-timeout 0
CREATE TABLE plans (id bigint);
ALTER TABLE plans ADD COLUMN name text;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, strong_locks
from pgshift.lint.model import Hit, Rule, Severity


def _locks(stmt: Stmt, ctx: Context) -> bool:
    """Whether a statement locks an existing table (its first one) against writes."""
    tables = strong_locks(stmt)
    return bool(tables) and not ctx.is_new(tables[0], before=stmt.index)


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if ctx.lock_timeout:
        return
    tables = [t for t in strong_locks(stmt) if t and not ctx.is_new(t)]
    if not tables:
        return
    first = ctx.first(_locks)
    if first is not None and first < ctx.index:
        return  # once per file
    yield Hit(
        f"no lock_timeout: while this statement waits for its lock on {tables[0]}, every later "
        "query on the table queues behind it.",
        "Add -- pgshift:lock-timeout 2s at the top of the file (or lock_timeout in "
        "pgshift.toml), so the migration fails fast and can be retried instead.",
    )


RULE = Rule(
    "missing-lock-timeout",
    "transactions",
    Severity.WARNING,
    "A statement that needs a strong lock, with no lock_timeout, can stall every query.",
    check,
    doc=__doc__ or "",
)
