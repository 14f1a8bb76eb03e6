"""CONCURRENTLY, VACUUM and their kind cannot run inside a transaction block.

## Problem

PostgreSQL refuses some commands inside a transaction block ("cannot run inside
a transaction block", SQLSTATE 25001), and pgshift runs each migration in one
transaction unless told otherwise: the whole migration fails, and `pgshift
migrate` refuses the file before running any of it. They are:

- `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `ALTER TABLE ...
  DETACH PARTITION ... CONCURRENTLY`;
- `REINDEX ... CONCURRENTLY` (or `REINDEX (CONCURRENTLY)`), and `REINDEX SCHEMA`,
  `REINDEX DATABASE`, `REINDEX SYSTEM`;
- `VACUUM` (`ANALYZE` alone runs in a transaction), and `CLUSTER` without a table;
- `CREATE` and `DROP DATABASE` and `TABLESPACE`, `ALTER DATABASE ... SET
  TABLESPACE`, `ALTER SYSTEM`;
- `CREATE SUBSCRIPTION` that creates a replication slot (the default, unless
  `create_slot = false` or `connect = false`), `ALTER SUBSCRIPTION ... REFRESH
  PUBLICATION`, `ALTER SUBSCRIPTION ... SET`/`ADD`/`DROP PUBLICATION` unless
  `refresh = false` (these two from PostgreSQL 14: older servers run them in a
  transaction, though `pgshift migrate` still refuses them there), and `DROP
  SUBSCRIPTION` of a subscription with a replication slot (not one the file set
  `slot_name = NONE` for).

An option counts by its value, as the server reads it: `REINDEX (CONCURRENTLY
false)`, `(CONCURRENTLY off)` and `(CONCURRENTLY 0)` run in a transaction;
`(CONCURRENTLY)`, `true`, `on` and `1` do not (the last one given counts).

Not found: `REINDEX` and `CLUSTER` of a partitioned table, which cannot run in a
transaction block either: the file does not say which tables are partitioned.

## Solution

Put the statement in a migration of its own whose first line is
`-- pgshift:no-transaction`; pgshift then sends each statement on its own.
Where an option decides it, the form that runs in a transaction may do:
`WITH (refresh = false)` then a refresh later, `WITH (create_slot = false)` when
the slot exists already.

## Differs from squawk

squawk cannot read pgshift's `-- pgshift:no-transaction` directive, so it flags
`CREATE INDEX CONCURRENTLY` in files that pgshift runs outside a transaction;
pgshift reads the directive. pgshift also knows more statements that cannot run in a
transaction block (`VACUUM`, `REINDEX SCHEMA`, `CLUSTER` without a table,
subscriptions, tablespaces), and reads option values (`REINDEX (CONCURRENTLY false)`
runs in a transaction).

## Examples

```sql bad line=1 severity=error safe="-- pgshift:no-transaction" fails=25001
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql bad line=2 severity=error safe="-- pgshift:no-transaction" fails=25001
ALTER TABLE users ADD COLUMN plan text;
VACUUM ANALYZE users;
```

```sql bad since=14 line=1 severity=error safe="-- pgshift:no-transaction" fails=25001
REINDEX (CONCURRENTLY on) INDEX users_email_idx;
```

```sql bad line=1 severity=error safe="-- pgshift:no-transaction" fails=25001
REINDEX SCHEMA public;
```

```sql good
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql good
CREATE INDEX users_email_idx ON users (email);
```

```sql good
REINDEX (CONCURRENTLY false) INDEX users_email_idx;
```

```sql good
ALTER SUBSCRIPTION replica DISABLE;
ALTER SUBSCRIPTION replica SET (slot_name = NONE);
DROP SUBSCRIPTION replica;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.transaction_block import no_transaction_command

_MOVE = "Move it to a migration of its own whose first line is -- pgshift:no-transaction."

# What else may do, where an option decides whether the command runs in a transaction.
_OR = {
    "CREATE SUBSCRIPTION ... WITH (create_slot = true)": (
        " Or, when the publisher has the replication slot already, add WITH (create_slot = false)."
    ),
    "ALTER SUBSCRIPTION with refresh": (
        " Or add WITH (refresh = false), and refresh (ALTER SUBSCRIPTION ... REFRESH "
        "PUBLICATION) in a no-transaction migration."
    ),
    "DROP SUBSCRIPTION": (
        " Or, when the subscription's replication slot is to be kept (or is gone), "
        "ALTER SUBSCRIPTION ... DISABLE and ... SET (slot_name = NONE) first: then it "
        "runs in a transaction."
    ),
}


def _what(stmt: Stmt) -> str | None:
    """The command as PostgreSQL names it, when the statement cannot run in a
    transaction block: migrate's own reading of it (so the two agree)."""
    what = no_transaction_command(stmt.node, stmt.body)
    if what is not None and stmt.source is not None and not stmt.source.outside_transaction:
        return None  # what the file did before makes it run in one (DROP SUBSCRIPTION)
    return what


# What else PostgreSQL refuses of the command, wherever it runs.
_ALSO = {
    "ALTER SUBSCRIPTION with refresh": " (on a disabled subscription it fails anywhere: 55000)",
    "ALTER SUBSCRIPTION ... REFRESH": " (on a disabled subscription it fails anywhere: 55000)",
}


# Commands PostgreSQL runs in a transaction block before this major: they connect to the
# publisher there, and from 14 refuse a transaction block.
_SINCE = {"ALTER SUBSCRIPTION with refresh": 14, "ALTER SUBSCRIPTION ... REFRESH": 14}


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if not ctx.transactional:
        return
    what = _what(stmt)
    if what and what in _SINCE and ctx.at_least(_SINCE[what]) is False:
        yield Hit(
            f"{what} runs inside a transaction block on PostgreSQL {ctx.pg_version} "
            f"({_SINCE[what]} and later refuse it: SQLSTATE 25001){_ALSO.get(what, '')}, but "
            "pgshift migrate refuses the file: it reads the command as one that cannot run "
            "in a transaction.",
            _MOVE + _OR.get(what, ""),
        )
    elif what:
        yield Hit(
            f"{what} cannot run inside a transaction block, and this migration runs in one: "
            f"PostgreSQL fails (SQLSTATE 25001){_ALSO.get(what, '')}, and pgshift migrate "
            "refuses the file.",
            _MOVE + _OR.get(what, ""),
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
            "ClusterStmt",
            "CreatedbStmt",
            "DropdbStmt",
            "AlterDatabaseStmt",
            "CreateTableSpaceStmt",
            "DropTableSpaceStmt",
            "CreateSubscriptionStmt",
            "AlterSubscriptionStmt",
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
