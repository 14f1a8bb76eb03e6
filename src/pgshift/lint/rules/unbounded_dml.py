"""UPDATE or DELETE without WHERE changes every row, holding a lock on each.

## Problem

An `UPDATE` or `DELETE` with no `WHERE` (or `WHERE true`) touches every row of
the table in one transaction: a `DELETE` loses them all, an `UPDATE` overwrites
them all, and each row stays locked until the migration commits, while the write
burst bloats the table and delays replicas. Inside a migration that also changed
the schema, the schema lock is held for the whole time too.

## Solution

Say which rows with a `WHERE`. To change every row of a big table, do it in
batches keyed by the primary key (for example 10,000 ids at a time) in a
`-- pgshift:no-transaction` migration or a Python migration, so each batch
commits on its own.

## Examples

```sql bad line=1 severity=error safe="-- pgshift:no-transaction"
DELETE FROM orders;
```

```sql bad line=1 severity=error safe="-- pgshift:no-transaction"
UPDATE users SET score = 0;
```

```sql bad line=1 severity=error safe="-- pgshift:no-transaction"
UPDATE users SET score = 0 WHERE true;
```

```sql good
DELETE FROM orders WHERE total = 0;
```

```sql good
-- pgshift:no-transaction
UPDATE users SET score = 0 WHERE id BETWEEN 1 AND 10000 AND score IS NULL;
```

```sql good
CREATE TABLE countries (code text, name text);
INSERT INTO countries VALUES ('fr', 'France');
UPDATE countries SET name = upper(name);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import relation


def _always_true(where: object) -> bool:
    if not isinstance(where, dict):
        return where is None
    const = where.get("A_Const", {})
    return bool(const.get("boolval", {}).get("boolval")) if "boolval" in const else False


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node not in ("UpdateStmt", "DeleteStmt"):
        return
    table = relation(stmt.body.get("relation"))
    if ctx.is_new(table) or not _always_true(stmt.body.get("whereClause")):
        return
    verb = "DELETE" if stmt.node == "DeleteStmt" else "UPDATE"
    what = "deletes every row" if verb == "DELETE" else "rewrites every row"
    yield Hit(
        f"{verb} on {table} without WHERE {what}{ctx.size(table)}, each row locked until "
        "the migration commits.",
        "Add a WHERE for the rows you mean; to change them all, work in batches of primary "
        "keys (WHERE id BETWEEN ...) in a -- pgshift:no-transaction or Python migration.",
    )


RULE = Rule(
    "unbounded-dml",
    "destructive",
    Severity.ERROR,
    "UPDATE or DELETE without WHERE changes every row, holding a lock on each.",
    check,
    nodes=frozenset({"UpdateStmt", "DeleteStmt"}),
    doc=__doc__ or "",
)
