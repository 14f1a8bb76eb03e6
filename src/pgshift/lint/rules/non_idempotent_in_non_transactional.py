"""A no-transaction migration of several statements should survive being run again.

## Problem

With `-- pgshift:no-transaction` each statement commits on its own. If the
migration stops part-way (a lock timeout, a lost connection), the statements
before the failure stay done; pgshift resumes after the last one it recorded,
but a statement that was done without being recorded runs again, and a
`CREATE` without `IF NOT EXISTS` (or a `DROP` without `IF EXISTS`) then fails.

## Solution

Write each statement so it can run twice: `CREATE INDEX CONCURRENTLY IF NOT
EXISTS`, `DROP INDEX CONCURRENTLY IF EXISTS`, `ADD COLUMN IF NOT EXISTS`; or
keep one statement per no-transaction migration.

## Examples

```sql bad
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql bad
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY users_n_idx;
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_n_idx;
ALTER TABLE users ADD COLUMN IF NOT EXISTS plan text;
```

```sql good
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
```

```sql good
-- pgshift:no-transaction
SET max_parallel_maintenance_workers = 0;
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
```

```sql good
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX users_email_idx ON users (email);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import added_columns, alter_commands

_CREATES = {
    "CreateStmt": "if_not_exists",
    "IndexStmt": "if_not_exists",
    "CreateSeqStmt": "if_not_exists",
    "CreateSchemaStmt": "if_not_exists",
    "CreateExtensionStmt": "if_not_exists",
    "CreateTableAsStmt": "if_not_exists",
}


def _not_repeatable(stmt: Stmt) -> bool:
    body = stmt.body
    if stmt.node in _CREATES:
        return not body.get(_CREATES[stmt.node])
    if stmt.node == "DropStmt":
        return not body.get("missing_ok")
    if stmt.node == "AlterTableStmt":
        adds = [c for c in alter_commands(body) if c.get("subtype") == "AT_AddColumn"]
        return bool(added_columns(body)) and not all(c.get("missing_ok") for c in adds)
    return False


def _work(stmt: Stmt, ctx: Context) -> bool:
    # a SET is re-run on a resume (the session that ran it is gone): it does not count
    return stmt.node != "VariableSetStmt"


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if ctx.transactional or not _not_repeatable(stmt) or len(ctx.where(_work)) < 2:
        return
    yield Hit(
        "in a no-transaction migration each statement commits alone: if a later one fails, "
        "running the migration again fails here, at the step already done.",
        "Make it repeatable (IF NOT EXISTS / IF EXISTS), or give each statement a "
        "no-transaction migration of its own.",
    )


RULE = Rule(
    "non-idempotent-in-non-transactional",
    "transactions",
    Severity.WARNING,
    "A no-transaction migration of several statements should survive being run again.",
    check,
    doc=__doc__ or "",
)
