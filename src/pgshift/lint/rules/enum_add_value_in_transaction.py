"""A new enum value cannot be used in the transaction that added it.

## Problem

`ALTER TYPE ... ADD VALUE` inside a transaction is allowed since PostgreSQL 12,
but the new value cannot be used before that transaction commits: a later
`INSERT`, `UPDATE`, cast or `DEFAULT` in the same migration fails with "unsafe
use of new value", and the whole migration rolls back. On PostgreSQL 11 and
older, the `ADD VALUE` itself fails inside a transaction block (unless the type
was created in the same transaction).

## Solution

Add the value in a migration of its own and use it in a later one. On
PostgreSQL 11 and older, that migration's first line must be
`-- pgshift:no-transaction`. pgshift knows the target's version from the server
when linting with a connection, else from `--pg-version` or the `pg_version`
setting.

## Examples

```sql bad since=12 line=1 severity=error safe="ALTER TYPE" fails=55P04
ALTER TYPE mood ADD VALUE 'happy';
UPDATE users SET name = 'cheerful' WHERE 'happy'::mood > 'ok';
```

```sql bad since=12 line=1 severity=error safe="ALTER TYPE" fails=55P04
ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
ALTER TABLE users ADD COLUMN feeling mood DEFAULT 'happy';
```

```sql bad pg=11 line=1 severity=error safe="-- pgshift:no-transaction" fails=25001
ALTER TYPE mood ADD VALUE 'happy';
```

```sql good
ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
```

```sql good pg=11
-- pgshift:no-transaction
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';
```

```sql good
-- pgshift:no-transaction
ALTER TYPE mood ADD VALUE 'happy';
ALTER TABLE users ADD COLUMN feeling mood DEFAULT 'happy';
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import find, strings


def _texts(stmt: Stmt) -> set[str]:
    """The string constants of a statement."""
    found = set()
    for const in find(stmt.body, "A_Const"):
        text = (const.get("sval") or {}).get("sval")
        if isinstance(text, str):
            found.add(text)
    return found


def _enum(stmt: Stmt) -> tuple[str, ...]:
    if stmt.node != "CreateEnumStmt":
        return ()
    return (bare(".".join(strings(stmt.body.get("typeName")))),)


def _created_here(ctx: Context, type_name: str) -> bool:
    return bool(ctx.earlier(ctx.by(_enum).get(type_name, ())))


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node != "AlterEnumStmt" or not stmt.body.get("newVal") or not ctx.transactional:
        return
    value = stmt.body["newVal"]
    type_name = ".".join(strings(stmt.body.get("typeName")))
    if ctx.at_least(12) is False:
        # before 12 a type created in the same transaction may take new values there
        if not _created_here(ctx, bare(type_name)):
            yield Hit(
                f"ALTER TYPE {type_name} ADD VALUE {value!r} fails inside a transaction block on "
                f"PostgreSQL {ctx.pg_version} (12 and later allow it): the migration fails.",
                "Put it in a migration of its own whose first line is "
                "-- pgshift:no-transaction, and use the value in a later migration.",
            )
        return
    users = ctx.later(ctx.by(_texts).get(value, ()))
    if users:
        user = ctx.statements[users[0]]
        yield Hit(
            f"{value!r} is added to {type_name} and used at line {user.line} in the same "
            "transaction: the use fails with 'unsafe use of new value' until the value is "
            "committed, and the migration rolls back.",
            f"ALTER TYPE {type_name} ADD VALUE {value!r} in a migration of its own; use it in a "
            "later migration.",
        )


RULE = Rule(
    "enum-add-value-in-transaction",
    "transactions",
    Severity.ERROR,
    "A new enum value cannot be used in the transaction that added it.",
    check,
    nodes=frozenset({"AlterEnumStmt"}),
    doc=__doc__ or "",
)
