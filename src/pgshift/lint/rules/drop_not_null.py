"""Dropping NOT NULL lets NULLs reach code that assumes there are none.

## Problem

Once `DROP NOT NULL` runs, new rows may hold NULL in the column, and every piece
of code (application, reports, PL/pgSQL) written on the promise that it never
does starts receiving NULLs: wrong totals, failed parsing, errors far away.

## Solution

First make every reader cope with NULL and release that; only then drop the
constraint, acknowledged with `-- pgshift:allow drop-not-null`.

## Examples

```sql bad line=1 severity=warning safe="-- pgshift:allow drop-not-null"
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
```

```sql bad line=1 severity=warning safe="-- pgshift:allow drop-not-null"
ALTER TABLE orders ALTER total DROP NOT NULL, ALTER user_id DROP NOT NULL;
```

```sql good
-- pgshift:allow drop-not-null
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;  -- every reader handles NULL since 3.2
```

```sql good
CREATE TABLE drafts (title text NOT NULL);
ALTER TABLE drafts ALTER COLUMN title DROP NOT NULL;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_DropNotNull"):
        column = cmd.get("name", "?")
        yield Hit(
            f"DROP NOT NULL on {table}.{column} lets NULLs reach code that assumes there are none.",
            f"Make every reader of {column} handle NULL and release that first; then drop the "
            "constraint with -- pgshift:allow drop-not-null.",
        )


RULE = Rule(
    "drop-not-null",
    "compatibility",
    Severity.WARNING,
    "Dropping NOT NULL lets NULLs reach code that assumes there are none.",
    check,
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
