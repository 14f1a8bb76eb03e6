"""Prefer text (with a CHECK on its length) to varchar(n) and char(n).

## Problem

A length limit in the type is hard to change: shortening it rewrites the table
and fails on longer values, and each change of the limit is a type change.
`char(n)` pads values with spaces, which surprises comparisons and lengths.
In PostgreSQL, `text` costs the same as `varchar`.

## Solution

Use `text`; if the length matters, add `CHECK (char_length(col) <= n)`, which
can be changed later with the `NOT VALID` route and no rewrite.

## Examples

```sql bad line=1 severity=info safe="CHECK (char_length("
ALTER TABLE users ADD COLUMN phone VARCHAR(20) CONSTRAINT phone_unique UNIQUE;
```

```sql bad line=1 severity=info safe="CHECK (char_length("
CREATE TABLE countries (code char(2) PRIMARY KEY, name varchar(100));
```

```sql good
CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2), name text);
```

```sql good
ALTER TABLE users ADD COLUMN phone text;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import defined_columns, type_mods, type_name

_NAMES = {"varchar": "varchar", "bpchar": "char", "char": "char", "character": "char"}


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column, definition in defined_columns(stmt.node, stmt.body):
        node = definition.get("typeName")
        kind = _NAMES.get(type_name(node))
        if kind is None or (kind == "varchar" and not type_mods(node)):
            continue
        size = f"({type_mods(node)[0]})" if type_mods(node) else ""
        yield Hit(
            f"{column} is {kind}{size}: changing the limit later is a type change (shortening it "
            "rewrites the table)" + ("; char pads values with spaces." if kind == "char" else "."),
            f"Use text, with CHECK (char_length({column}) <= n) if the length matters.",
        )


RULE = Rule(
    "prefer-text-over-varchar-char",
    "style",
    Severity.INFO,
    "Prefer text (with a CHECK on its length) to varchar(n) and char(n).",
    check,
    nodes=frozenset({"CreateStmt", "AlterTableStmt"}),
    doc=__doc__ or "",
)
