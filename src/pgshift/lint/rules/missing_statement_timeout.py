"""A migration with no statement_timeout can hold its locks for as long as it runs.

## Problem

A statement that runs far longer than planned (a scan of a table bigger than
expected, a backfill) keeps every lock of the migration until it ends, and
nothing stops it.

## Solution

Bound it: `-- pgshift:statement-timeout 5min` at the top of the file, or
`statement_timeout` in `pgshift.toml`. Leave it off for the statements meant to
be long (`CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`) by giving them a
migration of their own.

## Differs from squawk

squawk asks for a statement_timeout before every statement. pgshift says it once per
file, as an info: a long statement holds its locks for as long as it runs, which is
worth one line, not one per statement.

## Examples

```sql bad line=1 severity=info safe="-- pgshift:statement-timeout 5min"
ALTER TABLE users ADD COLUMN plan text;
```

```sql bad line=1 severity=info safe="-- pgshift:statement-timeout 5min"
UPDATE users SET score = 0 WHERE score IS NULL;
```

```sql good
-- pgshift:statement-timeout 5min
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
SET statement_timeout = '5min';
UPDATE users SET score = 0 WHERE score IS NULL;
```

```sql good
CREATE TABLE plans (id bigint);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import DML, Context, Stmt, strong_locks
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import commands_of, relation


def _long(stmt: Stmt, ctx: Context) -> bool:
    if commands_of(stmt.body, "AT_ValidateConstraint"):
        return False  # long by nature, and lets writes go on
    if stmt.node in DML:
        return not ctx.is_new(relation(stmt.body.get("relation")), before=stmt.index)
    return any(t and not ctx.is_new(t, before=stmt.index) for t in strong_locks(stmt))


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if ctx.statement_timeout or not _long(stmt, ctx):
        return
    if ctx.first(_long) != ctx.index:
        return  # once per file
    yield Hit(
        "no statement_timeout: if this runs longer than planned, the migration keeps its locks "
        "for as long as it takes.",
        "Add -- pgshift:statement-timeout 5min at the top of the file (or statement_timeout in "
        "pgshift.toml).",
    )


RULE = Rule(
    "missing-statement-timeout",
    "transactions",
    Severity.INFO,
    "A migration with no statement_timeout can hold its locks for as long as it runs.",
    check,
    doc=__doc__ or "",
)
