"""Dropping a column deletes its data and breaks the code still reading it.

## Problem

`ALTER TABLE ... DROP COLUMN` is instant (the space is reclaimed later), but the
data is gone for good, and the application version still running during a deploy
(or an ORM that cached the table's columns) fails on its next query that names
the column. It takes an ACCESS EXCLUSIVE lock on the table.

## Solution

Stop reading and writing the column in one release; drop it in a later one, in a
migration of its own, once nothing uses it, after a backup if its data may be
needed again; acknowledge with `-- pgshift:allow drop-column`.

## Examples

```sql bad line=1 severity=error safe="-- pgshift:allow drop-column"
ALTER TABLE users DROP COLUMN score;
```

```sql bad line=1 severity=error safe="-- pgshift:allow drop-column"
ALTER TABLE users DROP COLUMN IF EXISTS name, ADD COLUMN full_name text;
```

```sql good
CREATE TABLE drafts (id bigint, body text);
ALTER TABLE drafts DROP COLUMN body;
```

```sql good
-- pgshift:allow drop-column
ALTER TABLE users DROP COLUMN score;  -- unread since release 12
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_DropColumn"):
        column = cmd.get("name", "?")
        yield Hit(
            f"DROP COLUMN {table}.{column} deletes the column's data for good{ctx.size(table)}, "
            "and the application version still running fails on queries that name it.",
            f"Stop using {column} in a release first; drop it in a later migration of its own "
            "(after a backup if the data may be needed) with -- pgshift:allow drop-column.",
        )


RULE = Rule(
    "drop-column",
    "destructive",
    Severity.ERROR,
    "Dropping a column deletes its data and breaks the code still reading it.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
