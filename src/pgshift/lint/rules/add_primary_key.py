"""Adding a primary key builds its index, and checks NOT NULL, under an exclusive lock.

## Problem

`ADD PRIMARY KEY (...)` builds a unique index while holding an ACCESS EXCLUSIVE
lock on the table, and first scans it to make the key's columns NOT NULL if they
are not already: no reads, no writes until both are done.

## Solution

Make the columns NOT NULL the safe way (the `set-not-null` route); build
`CREATE UNIQUE INDEX CONCURRENTLY` in a `-- pgshift:no-transaction` migration;
then `ADD CONSTRAINT ... PRIMARY KEY USING INDEX ...`, which is instant.

## Examples

```sql bad line=1 severity=warning safe="CREATE UNIQUE INDEX CONCURRENTLY"
ALTER TABLE events_2026 ADD PRIMARY KEY (at, kind);
```

```sql bad line=1 severity=warning safe="CREATE UNIQUE INDEX CONCURRENTLY"
ALTER TABLE events_2026 ADD CONSTRAINT events_2026_pkey PRIMARY KEY (at);
```

```sql good
ALTER TABLE events_2026 ADD CONSTRAINT events_2026_pkey PRIMARY KEY USING INDEX events_2026_at_key;
```

```sql good
CREATE TABLE visits (id bigint, at date);
ALTER TABLE visits ADD PRIMARY KEY (id);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import added_columns, added_constraints, altered_table


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    # ADD PRIMARY KEY (...), and ADD COLUMN ... PRIMARY KEY (the column's own constraint)
    found = [
        (c, [k["String"]["sval"] for k in c.get("keys") or ()])
        for c in added_constraints(stmt.body)
    ]
    for column in added_columns(stmt.body):
        found += [
            (c["Constraint"], [column.get("colname", "?")])
            for c in column.get("constraints") or ()
            if "Constraint" in c
        ]
    for constraint, keys in found:
        if constraint.get("contype") != "CONSTR_PRIMARY" or constraint.get("indexname"):
            continue
        columns = ", ".join(keys)
        yield Hit(
            f"ADD PRIMARY KEY on {table} builds its index (and checks NOT NULL) under an ACCESS "
            f"EXCLUSIVE lock that stops every read and write{ctx.size(table)}.",
            f"Make ({columns}) NOT NULL the safe way; CREATE UNIQUE INDEX CONCURRENTLY ... ON "
            f"{table} ({columns}) in a -- pgshift:no-transaction migration; then ALTER TABLE "
            f"{table} ADD CONSTRAINT ... PRIMARY KEY USING INDEX ... (instant).",
        )


RULE = Rule(
    "add-primary-key",
    "locking",
    Severity.WARNING,
    "Adding a primary key builds its index, and checks NOT NULL, under an exclusive lock.",
    check,
    lock=Lock("AccessExclusiveLock", table="events_2026"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
