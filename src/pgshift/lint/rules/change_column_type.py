"""Changing a column's type rewrites the table and its indexes under an exclusive lock.

## Problem

`ALTER COLUMN ... TYPE` rewrites every row and rebuilds every index on the
table while an ACCESS EXCLUSIVE lock stops all reads and writes, unless the old
type converts to the new one without a change of bytes (`varchar` to `text`,
a longer `varchar(n)`, `timestamp` to `timestamptz` with a UTC session). The
classic case, `integer` to `bigint`, rewrites. (Changes that can lose data are
the `narrowing-type-change` rule's.)

## Solution

Add a column of the new type, keep it in step with a trigger, backfill it in
batches, swap the columns in one short migration, and drop the old one later.

## Examples

```sql bad
ALTER TABLE users ALTER COLUMN n TYPE bigint;
```

```sql bad
ALTER TABLE users ALTER COLUMN score TYPE double precision;
```

```sql bad
ALTER TABLE users ALTER COLUMN id TYPE numeric;
```

```sql good
ALTER TABLE users ALTER COLUMN email TYPE text;
```

```sql good
ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;
```

```sql good
ALTER TABLE users ADD COLUMN n_big bigint;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.lint.rules.narrowing_type_change import narrowing
from pgshift.migrations.tree import Node, altered_table, commands_of, type_mods, type_name

# Targets the old type usually converts to without rewriting (from varchar, from
# timestamp with a UTC session); only their unlimited forms.
_NO_REWRITE = {"text", "varchar", "timestamptz", "citext"}


def rewrites(cmd: Node) -> bool:
    """Whether an ``ALTER COLUMN ... TYPE`` command (JSON) rewrites the table without
    narrowing it (narrowing is the ``narrowing-type-change`` rule's)."""
    column_def = (cmd.get("def") or {}).get("ColumnDef", {})
    node = column_def.get("typeName")
    return not narrowing(column_def) and not (
        type_name(node) in _NO_REWRITE and not type_mods(node)
    )


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_AlterColumnType"):
        if not rewrites(cmd):
            continue
        name = type_name((cmd.get("def") or {}).get("ColumnDef", {}).get("typeName"))
        column = cmd.get("name", "?")
        yield Hit(
            f"changing {table}.{column} to {name} rewrites the table and rebuilds its indexes "
            f"under an ACCESS EXCLUSIVE lock that stops every read and write{ctx.size(table)}.",
            f"Add a {name} column, keep it in step with a trigger, backfill in batches, swap the "
            f"columns in one short migration, and drop {column} later.",
        )


RULE = Rule(
    "change-column-type",
    "locking",
    Severity.WARNING,
    "Changing a column's type rewrites the table and its indexes under an exclusive lock.",
    check,
    lock=Lock("AccessExclusiveLock", rewrite=True),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
