"""Prefer timestamptz to timestamp, and jsonb to json.

## Problem

`timestamp` (without time zone) stores a wall-clock time with no zone: values
written by servers or sessions in different zones cannot be compared, and
daylight-saving changes make some times ambiguous. `json` keeps the text as
written: no equality operator (`DISTINCT`, `GROUP BY` and `UNION` fail), no
indexes on its content, re-parsed at every access.

## Solution

`timestamptz` (an instant, shown in the session's zone) and `jsonb`.

## Examples

```sql bad line=1 severity=info safe="timestamptz|jsonb"
CREATE TABLE visits (at timestamp NOT NULL, data json);
```

```sql bad line=1 severity=info safe="timestamptz"
ALTER TABLE users ADD COLUMN last_seen timestamp without time zone;
```

```sql good
CREATE TABLE visits (at timestamptz NOT NULL, data jsonb);
```

```sql good
ALTER TABLE users ADD COLUMN birthday date;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import defined_columns, type_name

_BETTER = {
    "timestamp": ("timestamptz", "a time without a zone cannot be compared across zones"),
    "json": ("jsonb", "json has no equality (DISTINCT, GROUP BY fail) and no content indexes"),
}


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for column, definition in defined_columns(stmt.node, stmt.body):
        name = type_name(definition.get("typeName"))
        if name in _BETTER:
            better, why = _BETTER[name]
            yield Hit(f"{column} is {name}: {why}.", f"Make {column} {better}.")


RULE = Rule(
    "prefer-timestamptz-and-jsonb",
    "style",
    Severity.INFO,
    "Prefer timestamptz to timestamp, and jsonb to json.",
    check,
    nodes=frozenset({"CreateStmt", "AlterTableStmt"}),
    doc=__doc__ or "",
)
