"""A new enum value without BEFORE or AFTER goes last, which may not be its place.

## Problem

Enum values sort in the order they were declared, and queries such as
`WHERE status < 'shipped'` or `ORDER BY status` depend on it. `ADD VALUE`
without `BEFORE` or `AFTER` appends the value at the end, whatever it means.

## Solution

Say where it goes: `ALTER TYPE ... ADD VALUE 'x' BEFORE 'y'` (or `AFTER`).

## Examples

```sql bad line=1 severity=info safe="ALTER TYPE"
ALTER TYPE mood ADD VALUE 'meh';
```

```sql bad line=1 severity=info safe="ALTER TYPE"
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';
```

```sql good
ALTER TYPE mood ADD VALUE 'meh' AFTER 'sad';
```

```sql good
ALTER TYPE order_status ADD VALUE 'packed' BEFORE 'shipped';
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import strings


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node == "AlterEnumStmt" and body.get("newVal") and not body.get("newValNeighbor"):
        type_name = ".".join(strings(body.get("typeName")))
        yield Hit(
            f"{body['newVal']!r} is appended after every other value of {type_name}; queries "
            "that compare or sort its values see it last.",
            f"ALTER TYPE {type_name} ADD VALUE {body['newVal']!r} BEFORE (or AFTER) '<neighbour>'.",
        )


RULE = Rule(
    "enum-value-ordering",
    "style",
    Severity.INFO,
    "A new enum value without BEFORE or AFTER goes last, which may not be its place.",
    check,
    nodes=frozenset({"AlterEnumStmt"}),
    doc=__doc__ or "",
)
