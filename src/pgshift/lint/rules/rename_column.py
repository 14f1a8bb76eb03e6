"""Renaming a column breaks the application version that still uses the old name.

## Problem

`RENAME COLUMN` is instant, but during a deploy the old version of the
application keeps running and its queries name the old column: they fail until
every instance runs the new code.

## Solution

Add the new column, keep both in step (write to both, or a trigger), backfill,
move the reads, and drop the old column in a later release. Or keep the old name.

## Examples

```sql bad line=1 severity=warning safe="write to both"
ALTER TABLE users RENAME COLUMN name TO full_name;
```

```sql bad line=1 severity=warning safe="write to both"
ALTER TABLE IF EXISTS users RENAME name TO display_name;
```

```sql good
ALTER TABLE users ADD COLUMN full_name text;
```

```sql good
CREATE TABLE invites (code text);
ALTER TABLE invites RENAME COLUMN code TO token;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import relation


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node != "RenameStmt" or body.get("renameType") != "OBJECT_COLUMN":
        return
    table = relation(body.get("relation"))
    if ctx.is_new(table):
        return
    old, new = body.get("subname", "?"), body.get("newname", "?")
    yield Hit(
        f"renaming {table}.{old} to {new} breaks every query of the running application "
        f"version that names {old}.",
        f"Add {new}, write to both (or sync them with a trigger), backfill, move the reads to "
        f"{new}, then drop {old} in a later release.",
    )


RULE = Rule(
    "rename-column",
    "compatibility",
    Severity.WARNING,
    "Renaming a column breaks the application version that still uses the old name.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"RenameStmt"}),
    doc=__doc__ or "",
)
