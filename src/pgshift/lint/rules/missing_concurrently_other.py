"""REINDEX, DETACH PARTITION and REFRESH MATERIALIZED VIEW have non-blocking forms.

## Problem

`REINDEX` holds a SHARE lock on the table (writes wait) and an ACCESS EXCLUSIVE
lock on each index it rebuilds (queries that would use it wait) until it ends.
`ALTER TABLE ... DETACH PARTITION` locks the partitioned table ACCESS EXCLUSIVE,
stopping every read and write of all its partitions. `REFRESH MATERIALIZED VIEW`
locks the view ACCESS EXCLUSIVE for the whole refresh, so nobody can read it.

## Solution

- `REINDEX ... CONCURRENTLY` (PostgreSQL 12+), in a migration whose first line is
  `-- pgshift:no-transaction`. Before 12: `CREATE INDEX CONCURRENTLY` a copy,
  `DROP INDEX CONCURRENTLY` the old one, and rename the copy.
- `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14+, not when
  the table has a default partition), in a `-- pgshift:no-transaction` migration.
- `REFRESH MATERIALIZED VIEW CONCURRENTLY` (the view needs a unique index on
  plain columns): reads go on during the refresh.

Objects created in the same migration are fine.

## Examples

```sql bad line=1 severity=warning safe="REINDEX TABLE CONCURRENTLY"
REINDEX TABLE users;
```

```sql bad line=1 severity=warning safe="REINDEX INDEX CONCURRENTLY"
REINDEX INDEX users_n_idx;
```

```sql bad line=1 severity=warning safe="REFRESH MATERIALIZED VIEW CONCURRENTLY"
REFRESH MATERIALIZED VIEW daily_totals;
```

```sql bad line=1 severity=warning safe="-- pgshift:no-transaction"
ALTER TABLE events DETACH PARTITION events_2025;
```

```sql bad pg=11 line=1 severity=warning safe="CREATE INDEX CONCURRENTLY"
REINDEX TABLE orders;
```

```sql good
-- pgshift:no-transaction
REINDEX INDEX CONCURRENTLY users_n_idx;
```

```sql good
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;
```

```sql good
-- pgshift:no-transaction
ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;
```

```sql good
CREATE MATERIALIZED VIEW user_counts AS SELECT count(*) AS n FROM users WITH NO DATA;
REFRESH MATERIALIZED VIEW user_counts;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt, bare, created_index
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import altered_table, commands_of, relation

_REINDEX = {
    "REINDEX_OBJECT_TABLE": "TABLE",
    "REINDEX_OBJECT_INDEX": "INDEX",
    "REINDEX_OBJECT_SCHEMA": "SCHEMA",
    "REINDEX_OBJECT_DATABASE": "DATABASE",
}
_NO_TX = "in a migration whose first line is -- pgshift:no-transaction"


def _reindex(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    kind = _REINDEX.get(str(body.get("kind")))
    options = {p.get("DefElem", {}).get("defname") for p in body.get("params") or ()}
    if kind is None or "concurrently" in options:
        return
    target = relation(body.get("relation")) or str(body.get("name") or "")
    created = ctx.earlier(ctx.by(created_index).get(bare(target), ()))
    if ctx.is_new(target) or (kind == "INDEX" and created):
        return
    what = f"REINDEX {kind} {target}".rstrip()
    effect = (
        f"{what} blocks writes to the table and queries using the index until the rebuild ends."
        if kind == "INDEX"
        else f"{what} blocks writes to each table it reindexes{ctx.size(target)}, and queries "
        "using an index while that index is rebuilt."
    )
    if ctx.at_least(12) is False:
        yield Hit(
            f"{effect} The target (PostgreSQL {ctx.pg_version}) has no REINDEX CONCURRENTLY: "
            "it needs 12.",
            "CREATE INDEX CONCURRENTLY a copy of each index, DROP INDEX CONCURRENTLY the old "
            f"one, then ALTER INDEX ... RENAME the copy; {_NO_TX}.",
        )
        return
    concurrent = f"REINDEX {kind} CONCURRENTLY {target}".rstrip()
    yield Hit(effect, f"{concurrent} (PostgreSQL 12+), {_NO_TX}.")


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node == "ReindexStmt":
        yield from _reindex(stmt, ctx)
        return
    if stmt.node == "RefreshMatViewStmt":
        view = relation(body.get("relation"))
        # WITH NO DATA only empties the view; it has no concurrent form
        if body.get("concurrent") or body.get("skipData") or ctx.is_new(view):
            return
        yield Hit(
            f"REFRESH MATERIALIZED VIEW {view} locks {view} ACCESS EXCLUSIVE: nobody can read "
            f"it until the refresh ends{ctx.size(view)}.",
            f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view} (give the view a unique index on "
            "plain columns first): reads go on during the refresh.",
        )
        return
    table = altered_table(stmt.node, body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(body, "AT_DetachPartition"):
        partition = cmd.get("def", {}).get("PartitionCmd", {})
        if partition.get("concurrent"):
            continue
        name = relation(partition.get("name"))
        effect = (
            f"DETACH PARTITION {name} locks {table} ACCESS EXCLUSIVE, stopping every read and "
            f"write of all its partitions until the migration commits."
        )
        if ctx.at_least(14) is False:
            yield Hit(
                f"{effect} The target (PostgreSQL {ctx.pg_version}) has no DETACH PARTITION "
                "CONCURRENTLY: it needs 14.",
                "Detach it in a migration of its own with a short lock_timeout (-- "
                "pgshift:lock-timeout 2s) so it fails fast instead of queueing; on 14+, use "
                "DETACH PARTITION ... CONCURRENTLY.",
            )
            continue
        yield Hit(
            effect,
            f"ALTER TABLE {table} DETACH PARTITION {name} CONCURRENTLY (PostgreSQL 14+; not "
            f"with a default partition), {_NO_TX}.",
        )


RULE = Rule(
    "missing-concurrently-other",
    "locking",
    Severity.WARNING,
    "REINDEX, DETACH PARTITION and REFRESH MATERIALIZED VIEW have non-blocking forms.",
    check,
    # no lock claim: REINDEX, DETACH and REFRESH lock different tables in different modes
    nodes=frozenset({"ReindexStmt", "RefreshMatViewStmt", "AlterTableStmt"}),
    doc=__doc__ or "",
)
