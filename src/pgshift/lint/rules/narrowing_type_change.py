"""A column type change that can lose data fails on rows that do not fit, and rewrites.

## Problem

Changing a column to a type with a limit (`varchar(n)`, `char(n)`,
`numeric(p, s)`), to a smaller integer, from `timestamptz` to `timestamp`, or
with a `USING` expression, rewrites the table under an ACCESS EXCLUSIVE lock and
fails the whole migration on the first value that does not fit, or silently
changes values (time zones, rounding, a cast in `USING`).

## Solution

Keep the wider type and enforce the limit with a constraint instead:
`ADD CONSTRAINT ... CHECK (char_length(email) <= 20) NOT VALID`, then
`VALIDATE CONSTRAINT` in a later migration. To really change the type, add a new
column, backfill it in batches, switch the code, then drop the old one.

## Examples

```sql bad
ALTER TABLE users ALTER COLUMN email TYPE varchar(20);
```

```sql bad
ALTER TABLE users ALTER COLUMN email TYPE char(50);
```

```sql bad
ALTER TABLE users ALTER COLUMN score TYPE smallint;
```

```sql bad
ALTER TABLE users ALTER COLUMN name TYPE varchar(80) USING left(name, 80);
```

```sql good
ALTER TABLE users ADD CONSTRAINT users_email_length CHECK (char_length(email) <= 20) NOT VALID;
```

```sql good
ALTER TABLE users ALTER COLUMN email TYPE text;
```

```sql good
CREATE TABLE notes (body text);
ALTER TABLE notes ALTER COLUMN body TYPE varchar(200);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of, type_mods, type_name

_LIMITED = {"varchar", "bpchar", "char", "character", "numeric", "decimal", "bit", "varbit"}
_SMALL = {"int2", "smallint", "int4", "int", "integer", "float4", "real"}


def narrowing(column_def: dict[str, object]) -> str | None:
    """Why a new column type may not hold the old values, or None."""
    node = column_def.get("typeName")
    assert node is None or isinstance(node, dict)
    name = type_name(node)
    if column_def.get("raw_default"):  # ALTER ... TYPE ... USING expr
        return "its USING expression may change or reject values"
    if name in _LIMITED and type_mods(node):
        return f"the new type {name}{tuple(type_mods(node))} has a limit existing values may pass"
    if name in _SMALL:
        return f"{name} holds smaller numbers than the type it replaces may"
    if name == "timestamp":
        return "timestamp without time zone drops the time zone of existing values"
    return None


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_AlterColumnType"):
        column_def = (cmd.get("def") or {}).get("ColumnDef", {})
        why = narrowing(column_def)
        if why:
            column = cmd.get("name", "?")
            yield Hit(
                f"changing the type of {table}.{column}: {why}; the migration fails on the "
                f"first row that does not fit, after rewriting the table under an ACCESS "
                f"EXCLUSIVE lock{ctx.size(table)}.",
                f"Keep the type and add a CHECK constraint NOT VALID (VALIDATE it in a later "
                f"migration); or add a new column, backfill it in batches, switch the code, and "
                f"drop {column} later.",
            )


RULE = Rule(
    "narrowing-type-change",
    "destructive",
    Severity.ERROR,
    "A column type change that can lose data fails on rows that do not fit, and rewrites.",
    check,
    lock=Lock("AccessExclusiveLock", rewrite=True),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
