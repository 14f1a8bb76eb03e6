"""Renaming a table breaks the application version that still uses the old name.

## Problem

`ALTER TABLE ... RENAME TO` is instant, but the old version of the application,
still running during the deploy, queries the old name and fails.

## Solution

Rename, then in the same migration create a view with the old name over the
new table (`CREATE VIEW old AS SELECT * FROM new`), which simple queries and
writes go through; drop the view once no code uses the old name.

## Examples

```sql bad line=1 severity=warning safe="CREATE VIEW"
ALTER TABLE orders RENAME TO purchases;
```

```sql bad line=1 severity=warning safe="CREATE VIEW"
ALTER TABLE IF EXISTS orders RENAME TO sales;
```

```sql good
ALTER TABLE orders RENAME TO purchases;
CREATE VIEW orders AS SELECT * FROM purchases;
```

```sql good
CREATE TABLE drafts (id bigint);
ALTER TABLE drafts RENAME TO notes;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import relation


def _view(stmt: Stmt) -> tuple[str, ...]:
    return (bare(relation(stmt.body.get("view"))),) if stmt.node == "ViewStmt" else ()


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node != "RenameStmt" or body.get("renameType") != "OBJECT_TABLE":
        return
    table = relation(body.get("relation"))
    if ctx.is_new(table):
        return
    old = bare(table)
    if ctx.later(ctx.by(_view).get(old, ())):  # a view under the old name, for compatibility
        return
    new = body.get("newname", "?")
    yield Hit(
        f"renaming {table} to {new} breaks every query of the running application version "
        f"that names {old}.",
        f"In the same migration, add CREATE VIEW {old} AS SELECT * FROM {new}; drop the view "
        "once no code uses the old name.",
    )


RULE = Rule(
    "rename-table",
    "compatibility",
    Severity.WARNING,
    "Renaming a table breaks the application version that still uses the old name.",
    check,
    lock=Lock("AccessExclusiveLock", table="orders"),
    nodes=frozenset({"RenameStmt"}),
    doc=__doc__ or "",
)
