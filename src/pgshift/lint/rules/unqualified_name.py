"""A table named without its schema may be another schema's table on another connection.

## Problem

PostgreSQL finds an unqualified name (`users`) in the schemas of `search_path`, in
order. Where a project sets `search_path` per role (`ALTER ROLE app SET search_path
= ...`), per database, or per connection (a tenant's schema first), the same
migration creates, alters or drops a table in whichever schema comes first for the
session that runs it: `CREATE TABLE users` made in a tenant's schema by one runner
and in `public` by another; `DROP TABLE users` dropping the wrong one. This rule is
off by default: most projects run every migration with one `search_path`. Turn it
on with `lint_enable = ["unqualified-name"]` in `pgshift.toml`.

It looks at the tables, views and sequences a statement names (its `FROM`, `JOIN`,
target and `REFERENCES` clauses included), leaving out the names of the statement's
own `WITH` queries and of temporary tables, which live in a schema of their own.

## Solution

Write the schema with every name: `public.users`, `billing.invoices`.

## Examples

```sql bad line=1 severity=warning safe="public.users"
CREATE TABLE users (id bigint PRIMARY KEY);
```

```sql bad line=1 severity=warning safe="public.orders"
ALTER TABLE public.users ADD COLUMN last_order bigint REFERENCES orders (id);
```

```sql bad line=1 severity=warning safe="public.users"
DROP TABLE users;
```

```sql good
CREATE TABLE public.users (id bigint PRIMARY KEY);
```

```sql good
WITH recent AS (SELECT id FROM public.orders)
UPDATE public.users SET name = 'x' WHERE id IN (SELECT id FROM recent);
```

```sql good
CREATE TEMP TABLE scratch (id bigint);
INSERT INTO scratch SELECT id FROM public.users;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import find, strings


def _temporary(ctx: Context) -> set[str]:
    """The temporary tables the file creates up to the current statement."""
    found: set[str] = set()
    for stmt in ctx.statements[: ctx.index + 1]:
        if stmt.node in ("CreateStmt", "CreateTableAsStmt"):
            body = stmt.body
            target = body.get("relation") or (body.get("into") or {}).get("rel") or {}
            if target.get("relpersistence") == "t":
                found.add(target.get("relname", ""))
    return found


def _range_vars(value: object) -> Iterator[dict[str, object]]:
    """Every table reference below ``value``: a RangeVar is a node in lists, but a bare
    body in fields typed as one (``relation``, ``pktable``, ``into.rel``, ...)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "relname" in item and "relpersistence" in item:
                yield item
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)


_DROPPED = ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_INDEX")


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    ctes = {c.get("ctename") for c in find(body, "CommonTableExpr")}
    temporary = _temporary(ctx)
    named: list[str] = []
    if stmt.node == "DropStmt" and body.get("removeType") in _DROPPED:
        for item in body.get("objects") or ():
            parts = strings(item.get("List", {}).get("items"))
            if len(parts) == 1:
                named.append(parts[0])
    for ref in _range_vars(body):
        name = ref.get("relname")
        if ref.get("schemaname") or ref.get("relpersistence") == "t" or not isinstance(name, str):
            continue
        if name not in ctes and name not in temporary:
            named.append(name)
    for name in dict.fromkeys(named):
        yield Hit(
            f"{name} is named without its schema: with search_path set per role, database "
            "or connection, it may name a table of another schema for the session that runs "
            "this migration.",
            f"Write the schema with the name: public.{name} (or the schema it lives in).",
        )


RULE = Rule(
    "unqualified-name",
    "style",
    Severity.WARNING,
    "A table named without its schema may be another schema's table on another connection.",
    check,
    doc=__doc__ or "",
    enabled_by_default=False,
)
