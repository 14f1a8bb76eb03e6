"""ATTACH PARTITION scans the new partition under an exclusive lock unless a CHECK proves it.

## Problem

`ALTER TABLE parent ATTACH PARTITION child FOR VALUES ...` must prove that every
row of `child` fits the bound. Without a valid CHECK constraint that implies it,
it reads the whole of `child` while holding an ACCESS EXCLUSIVE lock on it (and
scans the parent's default partition, if there is one, the same way). A
constraint added `NOT VALID` and not validated proves nothing.

## Solution

First add a CHECK matching the bound `NOT VALID` (instant), then, in a
transaction of its own, `VALIDATE CONSTRAINT` it (a scan that lets reads and
writes go on). Then `ATTACH PARTITION` finds the proof and skips the scan; drop
the CHECK afterwards. A `-- pgshift:no-transaction` migration runs each of these
steps in its own transaction.
pgshift only sees the current file: when the check was validated by an earlier
migration, acknowledge with `-- pgshift:allow attach-partition-scan`. A table
created in the same migration may be attached freely.

## Examples

```sql bad line=1 severity=warning safe="-- pgshift:no-transaction"
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
```

```sql bad since=11 line=1 severity=warning safe="-- pgshift:no-transaction"
ALTER TABLE events ATTACH PARTITION events_2026 DEFAULT;
```

```sql bad line=3 severity=warning safe="-- pgshift:no-transaction"
ALTER TABLE events_2026 ADD CONSTRAINT events_2026_bound
    CHECK (at >= '2026-01-01' AND at < '2027-01-01') NOT VALID;
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
```

```sql good
-- pgshift:no-transaction
ALTER TABLE events_2026 ADD CONSTRAINT events_2026_bound
    CHECK (at >= '2026-01-01' AND at < '2027-01-01') NOT VALID;
ALTER TABLE events_2026 VALIDATE CONSTRAINT events_2026_bound;
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE events_2026 DROP CONSTRAINT events_2026_bound;
```

```sql good
-- pgshift:allow attach-partition-scan (events_2026_bound was validated by 0041)
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
```

```sql good
CREATE TABLE events_2027 (at date NOT NULL, kind text);
ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import added_constraints, altered_table, commands_of, relation


def _altered(stmt: Stmt) -> tuple[str, ...]:
    table = altered_table(stmt.node, stmt.body)
    return (bare(table),) if table else ()


def _proved(ctx: Context, child: str) -> bool:
    """Whether an earlier statement of the file added a CHECK to ``child`` that is valid by
    now: added without NOT VALID, or validated afterwards."""
    mine = [ctx.statements[n] for n in ctx.earlier(ctx.by(_altered).get(bare(child), ()))]
    for n, stmt in enumerate(mine):
        for constraint in added_constraints(stmt.body):
            if constraint.get("contype") != "CONSTR_CHECK":
                continue
            if not constraint.get("skip_validation"):
                return True
            name = constraint.get("conname")
            if any(
                cmd.get("name") == name
                for later in mine[n + 1 :]
                for cmd in commands_of(later.body, "AT_ValidateConstraint")
            ):
                return True
    return False


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table:
        return
    for cmd in commands_of(stmt.body, "AT_AttachPartition"):
        child = relation(cmd.get("def", {}).get("PartitionCmd", {}).get("name"))
        if ctx.is_new(child) or _proved(ctx, child):
            continue
        yield Hit(
            f"ATTACH PARTITION {child} reads all of {child} to check it fits the bound, under "
            f"an ACCESS EXCLUSIVE lock on it{ctx.size(child)} (and scans {table}'s default "
            "partition, if any, the same way).",
            f"ALTER TABLE {child} ADD CONSTRAINT {bare(child)}_bound CHECK (<the bound>) "
            f"NOT VALID; then, in another transaction, ALTER TABLE {child} VALIDATE CONSTRAINT "
            f"{bare(child)}_bound (writes go on); then ATTACH PARTITION skips the scan; then "
            "drop the check. A -- pgshift:no-transaction migration runs each statement in its "
            "own transaction.",
        )


RULE = Rule(
    "attach-partition-scan",
    "locking",
    Severity.WARNING,
    "ATTACH PARTITION scans the new partition under an exclusive lock unless a CHECK proves it.",
    check,
    # the partitioned table gets SHARE UPDATE EXCLUSIVE; the attached one is locked out
    lock=Lock("AccessExclusiveLock", table="events_2026"),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
