"""TRUNCATE empties a table for good, and with CASCADE every table that references it.

## Problem

`TRUNCATE` deletes every row at once under an ACCESS EXCLUSIVE lock and gives
the table a new file; there is no undo once committed. `TRUNCATE ... CASCADE`
also empties every table whose foreign keys point at it, and the tables pointing
at those, which is rarely what the author pictured.

## Solution

Delete the rows you mean with `DELETE ... WHERE`, in batches for big tables; if
the table really must be emptied, name every table explicitly (no CASCADE), after
a backup, and acknowledge with `-- pgshift:allow truncate`.

## Examples

```sql bad line=1 severity=error safe="-- pgshift:allow truncate"
TRUNCATE users CASCADE;
```

```sql bad line=1 severity=error safe="-- pgshift:allow truncate"
TRUNCATE TABLE users, orders;
```

```sql good
CREATE TABLE import_rows (line text);
TRUNCATE import_rows;
```

```sql good
DELETE FROM orders WHERE total = 0;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import relation


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node != "TruncateStmt":
        return
    tables = [relation(r.get("RangeVar")) for r in stmt.body.get("relations") or ()]
    existing = [t for t in tables if not ctx.is_new(t)]
    if not existing:
        return
    cascade = stmt.body.get("behavior") == "DROP_CASCADE"
    sizes = "".join(ctx.size(t) for t in existing)
    yield Hit(
        f"TRUNCATE {', '.join(existing)} deletes every row for good{sizes}"
        + (", and CASCADE empties every table that references them too." if cascade else "."),
        "Delete the rows you mean with DELETE ... WHERE (in batches on big tables); if the "
        "table must be emptied, name each table (no CASCADE), back it up, and acknowledge "
        "with -- pgshift:allow truncate.",
    )


RULE = Rule(
    "truncate",
    "destructive",
    Severity.ERROR,
    "TRUNCATE empties a table for good, and with CASCADE every table that references it.",
    check,
    lock=Lock("AccessExclusiveLock", rewrite=True),
    nodes=frozenset({"TruncateStmt"}),
    doc=__doc__ or "",
)
