"""A new column whose default is volatile rewrites the whole table under an exclusive lock.

## Problem

Since PostgreSQL 11 a new column with a constant or stable default (`0`, `'x'`,
`now()`) is instant: the default is kept in the catalog. A volatile default
(`clock_timestamp()`, `random()`, `gen_random_uuid()`, `nextval(...)`, most user
functions) must be computed for every existing row, so the table is rewritten
while an ACCESS EXCLUSIVE lock stops every read and write. Before PostgreSQL 11
any non-NULL default rewrites.

## Solution

Add the column without a default (instant), set the default for new rows with
`ALTER COLUMN ... SET DEFAULT ...`, then fill the existing rows in batches.

## Differs from squawk

squawk's `adding-field-with-default` flags a generated column and, with `--pg-
version 11`, a constant default. A constant default has been instant since
PostgreSQL 11 (the value is kept in the catalog), and pgshift flags only what
rewrites the table: a volatile default, checked on the server by the lock oracle.

## Examples

```sql bad since=13 line=1 severity=warning safe="SET DEFAULT ..."
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
```

```sql bad line=1 severity=warning safe="SET DEFAULT ..."
ALTER TABLE users ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();
```

```sql bad pg=10 line=1 severity=warning safe="SET DEFAULT ..."
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
```

```sql good
ALTER TABLE users ADD COLUMN token uuid;
ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();
```

```sql good
ALTER TABLE users ADD COLUMN created timestamptz NOT NULL DEFAULT now();
```

```sql good pg=15
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import added_columns, altered_table, column_constraints, function_names

# Built-in functions that are stable or immutable: a default calling only these is
# stored in the catalog. Any other function (user-defined ones included) is taken
# as volatile, the server's own default for CREATE FUNCTION.
NOT_VOLATILE = frozenset(
    [
        "now",
        "transaction_timestamp",
        "statement_timestamp",
        "current_date",
        "current_time",
        "current_timestamp",
        "localtime",
        "localtimestamp",
        "lower",
        "upper",
        "length",
        "char_length",
        "coalesce",
        "nullif",
        "greatest",
        "least",
        "abs",
        "round",
        "trunc",
        "floor",
        "ceil",
        "to_char",
        "to_date",
        "to_timestamp",
        "to_number",
        "concat",
        "concat_ws",
        "replace",
        "substring",
        "substr",
        "left",
        "right",
        "md5",
        "btrim",
        "ltrim",
        "rtrim",
        "date_trunc",
        "extract",
        "date_part",
        "make_date",
        "make_interval",
        "jsonb_build_object",
        "jsonb_build_array",
        "json_build_object",
        "json_build_array",
        "array_length",
        "cardinality",
        "int4",
        "int8",
        "text",
        "numeric",
        "current_setting",
    ]
)


def _volatile(expr: Any) -> list[str]:
    return [name for name in function_names(expr) if name not in NOT_VOLATILE]


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    old_server = ctx.pg_version is not None and ctx.pg_version < 11
    for column in added_columns(stmt.body):
        for constraint in column_constraints(column):
            if constraint.get("contype") != "CONSTR_DEFAULT":
                continue
            expr = constraint.get("raw_expr")
            if expr is not None and "A_Const" in expr and expr["A_Const"].get("isnull"):
                continue
            volatile = _volatile(expr)
            if not volatile and not old_server:
                continue
            name = column.get("colname", "?")
            why = (
                f"its default calls {', '.join(sorted(set(volatile)))}(), computed for every row"
                if volatile
                else f"before PostgreSQL 11 every non-NULL default is written into each row "
                f"(target: {ctx.pg_version})"
            )
            yield Hit(
                f"ADD COLUMN {name} rewrites {table}: {why}, under an ACCESS EXCLUSIVE lock "
                f"that stops every read and write{ctx.size(table)}.",
                f"Add {name} without a default; then ALTER COLUMN {name} SET DEFAULT ... for new "
                "rows; then fill the existing rows in batches.",
            )


RULE = Rule(
    "add-column-volatile-default",
    "locking",
    Severity.WARNING,
    "A new column whose default is volatile rewrites the whole table under an exclusive lock.",
    check,
    lock=Lock("AccessExclusiveLock", rewrite=True),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
