"""CONCURRENTLY, VACUUM and their kind cannot run inside a transaction block.

## Problem

`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
CONCURRENTLY`, `DETACH PARTITION ... CONCURRENTLY`, `VACUUM`, `CREATE` or
`DROP DATABASE`/`TABLESPACE`/`SUBSCRIPTION` and `ALTER SYSTEM` fail with "cannot
run inside a transaction block", and pgshift runs each migration in one
transaction unless told otherwise: the whole migration fails.

## Solution

Put the statement in a migration of its own whose first line is
`-- pgshift:no-transaction`; pgshift then sends each statement on its own.

## Examples

```sql bad
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql bad
ALTER TABLE users ADD COLUMN plan text;
VACUUM ANALYZE users;
```

```sql good
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql good
CREATE INDEX users_email_idx ON users (email);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import alter_commands

_ALWAYS = {
    "VacuumStmt": "VACUUM",
    "CreatedbStmt": "CREATE DATABASE",
    "DropdbStmt": "DROP DATABASE",
    "CreateTableSpaceStmt": "CREATE TABLESPACE",
    "DropTableSpaceStmt": "DROP TABLESPACE",
    "CreateSubscriptionStmt": "CREATE SUBSCRIPTION",
    "DropSubscriptionStmt": "DROP SUBSCRIPTION",
    "AlterSystemStmt": "ALTER SYSTEM",
}


def _what(stmt: Stmt) -> str | None:
    body = stmt.body
    if stmt.node == "VacuumStmt" and not body.get("is_vacuumcmd"):
        return None  # ANALYZE alone runs in a transaction
    if stmt.node in _ALWAYS:
        return _ALWAYS[stmt.node]
    if stmt.node == "IndexStmt" and body.get("concurrent"):
        return "CREATE INDEX CONCURRENTLY"
    if stmt.node == "DropStmt" and body.get("concurrent"):
        return "DROP INDEX CONCURRENTLY"
    if stmt.node == "ReindexStmt" and any(
        p.get("DefElem", {}).get("defname") == "concurrently" for p in body.get("params") or ()
    ):
        return "REINDEX CONCURRENTLY"
    if stmt.node == "AlterTableStmt" and any(
        (c.get("def") or {}).get("PartitionCmd", {}).get("concurrent") for c in alter_commands(body)
    ):
        return "DETACH PARTITION CONCURRENTLY"
    return None


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if not ctx.transactional:
        return
    what = _what(stmt)
    if what:
        yield Hit(
            f"{what} cannot run inside a transaction block, and this migration runs in one: "
            "it fails.",
            "Move it to a migration of its own whose first line is -- pgshift:no-transaction.",
        )


RULE = Rule(
    "concurrently-in-transaction",
    "transactions",
    Severity.ERROR,
    "CONCURRENTLY, VACUUM and their kind cannot run inside a transaction block.",
    check,
    nodes=frozenset(
        {
            "VacuumStmt",
            "CreatedbStmt",
            "DropdbStmt",
            "CreateTableSpaceStmt",
            "DropTableSpaceStmt",
            "CreateSubscriptionStmt",
            "DropSubscriptionStmt",
            "AlterSystemStmt",
            "IndexStmt",
            "DropStmt",
            "ReindexStmt",
            "AlterTableStmt",
        }
    ),
    doc=__doc__ or "",
    speaks_for_migrate=True,
)
