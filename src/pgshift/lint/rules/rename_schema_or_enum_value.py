"""Renaming a schema or an enum value breaks the code that still uses the old name.

## Problem

Queries that qualify names with the schema, and code that writes or compares an
enum label, fail or silently stop matching as soon as the old name is gone, while
the previous application version is still running.

## Solution

Add the new schema or label, let the code use both, move the data, and remove
the old one in a later release (an enum label cannot be removed without
recreating the type, so prefer keeping it).

## Differs from squawk

squawk's `renaming-object` also flags renaming an index, a constraint or a domain.
Queries do not name indexes or constraints, so renaming them breaks no running code
(code that matches error messages by constraint name is the exception, and is rare);
pgshift flags the renames that break queries of the running application: tables and
columns (their own rules), schemas and enum labels.

## Examples

```sql bad line=1 severity=warning safe="Create the new schema"
ALTER SCHEMA billing RENAME TO payments;
```

```sql bad line=1 severity=warning safe="ALTER TYPE ... ADD VALUE"
ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
```

```sql good
ALTER TYPE mood ADD VALUE 'fine' AFTER 'ok';
```

```sql good
CREATE SCHEMA drafts;
ALTER SCHEMA drafts RENAME TO scratch;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, created_schema
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import strings


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node == "RenameStmt" and body.get("renameType") == "OBJECT_SCHEMA":
        old = body.get("subname", "?")
        if ctx.earlier(ctx.by(created_schema).get(old, ())):
            return
        yield Hit(
            f"renaming schema {old} to {body.get('newname', '?')} breaks every query that "
            "qualifies names with it.",
            "Create the new schema, move objects over while the code uses both names, and drop "
            "the old one in a later release.",
        )
    elif stmt.node == "AlterEnumStmt" and body.get("oldVal"):
        type_name = ".".join(strings(body.get("typeName")))
        yield Hit(
            f"renaming value {body['oldVal']!r} of {type_name} to {body.get('newVal')!r} breaks "
            "code that writes or compares the old label.",
            "Add the new label (ALTER TYPE ... ADD VALUE), move the data and the code to it, and "
            "keep the old label until nothing uses it.",
        )


RULE = Rule(
    "rename-schema-or-enum-value",
    "compatibility",
    Severity.WARNING,
    "Renaming a schema or an enum value breaks the code that still uses the old name.",
    check,
    nodes=frozenset({"RenameStmt", "AlterEnumStmt"}),
    doc=__doc__ or "",
)
