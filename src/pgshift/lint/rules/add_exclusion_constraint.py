"""An exclusion constraint builds its index under an exclusive lock, with no online way.

## Problem

`ADD CONSTRAINT ... EXCLUDE USING ...` builds its index while an ACCESS
EXCLUSIVE lock stops every read and write of the table. Unlike unique and
foreign keys it cannot be added `NOT VALID` nor from an index built
concurrently, so there is no safe route on a big, busy table.

## Solution

Add exclusion constraints when the table is created, or while it is small; on a
big table, plan a maintenance window (or build a new table with the constraint
and copy the rows into it), and acknowledge with
`-- pgshift:allow add-exclusion-constraint`.

## Examples

```sql bad line=1 severity=warning safe="maintenance window"
ALTER TABLE users ADD CONSTRAINT users_email_excl EXCLUDE USING btree (email WITH =);
```

```sql bad line=1 severity=warning safe="maintenance window"
ALTER TABLE users ADD EXCLUDE USING btree (name WITH =) WHERE (n > 10);
```

```sql good
CREATE TABLE bookings (room int, during tstzrange);
ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);
```

```sql good
CREATE TABLE rooms (id bigint, during tstzrange, EXCLUDE USING gist (during WITH &&));
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import added_constraints, altered_table


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for constraint in added_constraints(stmt.body):
        if constraint.get("contype") == "CONSTR_EXCLUSION":
            yield Hit(
                f"ADD ... EXCLUDE on {table} builds its index under an ACCESS EXCLUSIVE lock that "
                f"stops every read and write{ctx.size(table)}, and has no online alternative.",
                "Add it when the table is created or small; on a big table use a maintenance "
                "window or a new table with the constraint, and acknowledge with "
                "-- pgshift:allow add-exclusion-constraint.",
            )


RULE = Rule(
    "add-exclusion-constraint",
    "locking",
    Severity.WARNING,
    "An exclusion constraint builds its index under an exclusive lock, with no online way.",
    check,
    lock=Lock("AccessExclusiveLock"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
