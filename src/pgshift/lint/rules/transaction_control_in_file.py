"""BEGIN, COMMIT and ROLLBACK in a migration fight the transaction pgshift runs it in.

## Problem

pgshift runs each migration in a transaction of its own and records it in the
same transaction. A `COMMIT` in the file ends that transaction early, so a later
failure leaves the migration half applied and unrecorded; a `BEGIN` without
`COMMIT` leaves work that is never committed; `ROLLBACK` throws the work away
while the migration counts as applied.

## Solution

Remove the transaction control: the file is already one transaction. For
statements that must commit one by one, use `-- pgshift:no-transaction`.

## Examples

```sql bad
BEGIN;
ALTER TABLE users ADD COLUMN plan text;
COMMIT;
```

```sql bad
ALTER TABLE users ADD COLUMN plan text;
SAVEPOINT before_backfill;
```

```sql good
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
-- pgshift:no-transaction
ALTER TABLE users ADD COLUMN plan text;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node == "TransactionStmt":
        verb = stmt.first_line.split()[0].upper().rstrip(";")
        yield Hit(
            f"{verb} in a migration: pgshift already runs the file in one transaction and "
            "records it in that transaction; this breaks both.",
            "Remove the transaction control; use -- pgshift:no-transaction for statements that "
            "must commit one by one.",
        )


RULE = Rule(
    "transaction-control-in-file",
    "transactions",
    Severity.ERROR,
    "BEGIN, COMMIT and ROLLBACK in a migration fight the transaction pgshift runs it in.",
    check,
    nodes=frozenset({"TransactionStmt"}),
    doc=__doc__ or "",
    speaks_for_migrate=True,
)
