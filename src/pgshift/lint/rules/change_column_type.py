"""Changing a column's type rewrites the table and its indexes under an exclusive lock.

## Problem

`ALTER COLUMN ... TYPE` rewrites every row and rebuilds every index on the
table while an ACCESS EXCLUSIVE lock stops all reads and writes, unless the old
type converts to the new one without a change of bytes. The classic case,
`integer` to `bigint`, rewrites. (Changes that can lose data are the
`narrowing-type-change` rule's.)

## How pgshift decides

When lint knows the column's current type (from the live database with `--url`,
from an earlier file of the run, or from an earlier statement of the file), the
change is silent where PostgreSQL keeps the table's file:

- `varchar(n)` to `varchar(m)` with m >= n, to `varchar` or to `text`; `text` to
  `varchar`; either to `citext`;
- `numeric(p, s)` to `numeric`, or to `numeric(p2, s)` with p2 >= p (the same
  scale: another scale rewrites);
- `bit varying(n)` to a longer `bit varying`; `bit(n)` to `bit varying`;
- `timestamp(p)`, `timestamptz(p)`, `time(p)`, `timetz(p)` to a precision at least p;
- `timestamp` to `timestamptz` (PostgreSQL 12 and later, in a session whose time zone
  is UTC).

Everything else rewrites (and is reported here, unless it narrows the column, which
is `narrowing-type-change`'s): `integer` to `bigint`, `char(n)` to another length or
type, `date` to `timestamp`, and any change of an array type (`varchar(10)[]` to
`text[]` too). When
the current type is unknown, a change to `text`, `varchar`, `timestamptz` or `citext`
without a limit (not an array of them) is taken not to rewrite, any other to rewrite.

## Solution

Add a column of the new type, keep it in step with a trigger, backfill it in
batches, swap the columns in one short migration, and drop the old one later.

## Differs from squawk

squawk flags every `ALTER COLUMN ... TYPE`. pgshift knows the changes PostgreSQL
makes without rewriting the table (a longer `varchar`, `varchar` to `text`, a wider
`numeric` of the same scale, a longer `bit varying`, more time precision), from the
live database (`--url`) or the earlier files, and does not flag them; each claim is
checked on the server by the test suite.

## Examples

```sql bad line=1 severity=warning safe="keep it in step with a trigger"
ALTER TABLE users ALTER COLUMN n TYPE bigint;
```

```sql bad line=1 severity=warning safe="keep it in step with a trigger"
ALTER TABLE users ALTER COLUMN score TYPE double precision;
```

```sql bad line=1 severity=warning safe="keep it in step with a trigger"
ALTER TABLE users ALTER COLUMN id TYPE numeric;
```

```sql bad line=2 severity=warning safe="keep it in step with a trigger"
ALTER TABLE users ADD COLUMN price numeric(10, 2);
ALTER TABLE users ALTER COLUMN price TYPE numeric(12, 3);
```

```sql bad line=2 severity=warning safe="keep it in step with a trigger"
ALTER TABLE users ADD COLUMN tags varchar(10)[];
ALTER TABLE users ALTER COLUMN tags TYPE text[];
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

```sql good
ALTER TABLE users ADD COLUMN price numeric(10, 2);
ALTER TABLE users ALTER COLUMN price TYPE numeric(12, 2);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.lint.rules.narrowing_type_change import (
    SqlType,
    has_using,
    judge,
    keeps_the_file,
    new_type,
    old_type,
)
from pgshift.migrations.tree import Node, altered_table, commands_of

# Targets the old type usually converts to without rewriting (from varchar, from
# timestamp with a UTC session), when the old type is unknown; only their unlimited
# forms, and not arrays (an array's elements are converted one by one: a rewrite).
_NO_REWRITE = {"text", "varchar", "timestamptz", "citext"}


def rewrites(cmd: Node, old: SqlType | None = None) -> bool:
    """Whether an ``ALTER COLUMN ... TYPE`` command (JSON) rewrites the table without
    narrowing it (narrowing is the ``narrowing-type-change`` rule's); ``old``: the
    column's current type, when known."""
    column_def = (cmd.get("def") or {}).get("ColumnDef", {})
    new = new_type(column_def)
    using = has_using(column_def, cmd.get("name"))
    if judge(new, old, using) is not None:
        return False
    if old is not None and not using:
        return not keeps_the_file(old, new)
    return not (new.name in _NO_REWRITE and not new.mods and not new.array)


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_AlterColumnType"):
        column = cmd.get("name", "?")
        new = new_type((cmd.get("def") or {}).get("ColumnDef", {}))
        old = old_type(ctx, table, column, new)
        if not rewrites(cmd, old):
            continue
        change = f"from {old} to {new}" if old is not None else f"to {new}"
        yield Hit(
            f"changing {table}.{column} {change} rewrites the table and rebuilds its indexes "
            f"under an ACCESS EXCLUSIVE lock that stops every read and write{ctx.size(table)}.",
            f"Add a {new} column, keep it in step with a trigger, backfill in batches, swap the "
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
