"""Long names are cut short, unnamed indexes are hard to find, a column set twice fails.

## Problem

PostgreSQL silently truncates identifiers longer than 63 bytes, so two long
names can collide and later migrations that spell the full name miss the
object. An index created without a name gets a generated one that a later
migration must guess. An `UPDATE` that sets the same column twice fails.

## Solution

Keep names under 64 bytes, name every index explicitly
(`<table>_<columns>_idx`), and set each column once.

## Examples

```sql bad
CREATE INDEX ON users (email);
```

```sql bad
CREATE TABLE subscription_renewal_reminders_sent_to_customers_by_email_or_text_message (id bigint);
```

```sql bad
UPDATE users SET score = 0, score = 1 WHERE id = 1;
```

```sql good
CREATE INDEX users_email_idx ON users (email);
```

```sql good
UPDATE users SET score = 0, n = 1 WHERE id = 1;
```
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import defined_columns, find

_LIMIT = 63


def _names(stmt: Stmt) -> list[str]:
    body = stmt.body
    names = [column for column, _ in defined_columns(stmt.node, body)]
    if stmt.node == "CreateStmt":
        names.append(body.get("relation", {}).get("relname", ""))
    if stmt.node == "IndexStmt" and body.get("idxname"):
        names.append(body["idxname"])
    names += [c["conname"] for c in find(body, "Constraint") if c.get("conname")]
    return names


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    for name in _names(stmt):
        # the parser has already cut the name: find the whole one in the text
        if len(name.encode()) < _LIMIT:
            continue
        whole = re.search(re.escape(name) + r"[\w$]+", stmt.sql, re.IGNORECASE)
        if whole:
            yield Hit(
                f"the name {whole.group(0)} is {len(whole.group(0).encode())} bytes: PostgreSQL "
                f"cuts it to {_LIMIT}, so later references to the full name miss it.",
                f"Use a name of at most {_LIMIT} bytes.",
            )
    if stmt.node == "IndexStmt" and not stmt.body.get("idxname"):
        yield Hit(
            "this index has no name: PostgreSQL makes one up, which later migrations must guess "
            "to drop or rename it.",
            "Name it: CREATE INDEX <table>_<columns>_idx ON ...",
        )
    if stmt.node == "UpdateStmt":
        # the SET list itself, not the targets of subqueries in it (SELECT 1 has no name)
        targets = [t["ResTarget"] for t in stmt.body.get("targetList") or () if "ResTarget" in t]
        plain = Counter(t.get("name") for t in targets if not t.get("indirection"))
        parts = Counter(t.get("name") for t in targets if t.get("indirection"))
        for column, count in plain.items():
            # a[1] = 1, a[2] = 2 is fine; a second whole assignment, or a part, is not
            count += parts[column]
            if column and count > 1:
                yield Hit(
                    f"UPDATE sets {column} {count} times: the statement fails.",
                    f"Set {column} once.",
                )


RULE = Rule(
    "naming-and-identifiers",
    "style",
    Severity.INFO,
    "Long names are cut short, unnamed indexes are hard to find, a column set twice fails.",
    check,
    nodes=frozenset({"CreateStmt", "AlterTableStmt", "IndexStmt", "UpdateStmt"}),
    doc=__doc__ or "",
)
