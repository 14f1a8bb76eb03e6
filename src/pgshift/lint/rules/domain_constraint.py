"""A constraint on a domain is checked against every column of that domain, in every table.

## Problem

`ALTER DOMAIN ... ADD CONSTRAINT` (and `ALTER DOMAIN ... SET NOT NULL`) reads
every row of every table with a column of that domain, locking each table
against writes while it does, and fails on the first old value that breaks it.
A `CREATE DOMAIN` with a `CHECK` commits you to that path: every later change of
its rule is such a scan, and changing a column to the domain checks every row.

## Solution

Put the rule on the tables, as `CHECK` constraints added `NOT VALID` and
validated in a later migration. If it must live on the domain, add it `NOT VALID`
and `ALTER DOMAIN ... VALIDATE CONSTRAINT` in a migration of its own (the
validation lets writes go on). A domain created in the same migration is used by
no existing column, so constraints added to it later in the file are fine.

## Examples

```sql bad line=1 severity=warning safe="VALIDATE CONSTRAINT"
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
```

```sql bad line=1 severity=warning safe="ADD CONSTRAINT ... NOT VALID"
ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');
```

```sql bad line=1 severity=warning safe="VALIDATE CONSTRAINT ..."
ALTER DOMAIN email SET NOT NULL;
```

```sql good
CREATE DOMAIN label AS text;
```

```sql good
ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;
```

```sql good
ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0) NOT VALID;
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import strings

_LATER = "ALTER DOMAIN {name} VALIDATE CONSTRAINT ... in a migration of its own"


def _domain(stmt: Stmt) -> tuple[str, ...]:
    if stmt.node != "CreateDomainStmt":
        return ()
    return (".".join(strings(stmt.body.get("domainname"))),)


def _created_here(ctx: Context, name: str) -> bool:
    return bool(ctx.earlier(ctx.by(_domain).get(name, ())))


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    body = stmt.body
    if stmt.node == "CreateDomainStmt":
        checks = [c["Constraint"] for c in body.get("constraints") or () if "Constraint" in c]
        if any(c.get("contype") == "CONSTR_CHECK" for c in checks):
            name = ".".join(strings(body.get("domainname")))
            yield Hit(
                f"the CHECK of domain {name} is checked against every column of the domain: each "
                "later change of it scans all those tables, locking them against writes, and can "
                "fail on old data.",
                f"CREATE DOMAIN {name} without the CHECK, and put the rule on the tables as CHECK "
                "constraints (NOT VALID, then VALIDATE CONSTRAINT in a later migration).",
            )
        return
    if stmt.node != "AlterDomainStmt":
        return
    name = ".".join(strings(body.get("typeName")))
    if _created_here(ctx, name):
        return
    if body.get("subtype") == "C":
        constraint = body.get("def", {}).get("Constraint", {})
        if constraint.get("skip_validation"):
            return
        label = constraint.get("conname") or "a constraint"
        safe = (
            f"ALTER DOMAIN {name} ADD CONSTRAINT ... NOT VALID (instant), then "
            f"{_LATER.format(name=name)} (writes go on)."
            if constraint.get("contype") == "CONSTR_CHECK"
            else f"A CHECK (VALUE IS NOT NULL) NOT VALID instead, then {_LATER.format(name=name)}."
        )
        yield Hit(
            f"adding {label} to domain {name} reads every row of every table with a column of "
            "that domain, locking each against writes, and fails on the first old value that "
            "breaks it.",
            safe,
        )
    elif body.get("subtype") == "O":
        yield Hit(
            f"SET NOT NULL on domain {name} reads every row of every table with a column of that "
            "domain, locking each against writes, and fails on the first NULL.",
            f"ALTER DOMAIN {name} ADD CONSTRAINT {name.rsplit('.', 1)[-1]}_not_null CHECK (VALUE "
            f"IS NOT NULL) NOT VALID, then {_LATER.format(name=name)}.",
        )


RULE = Rule(
    "domain-constraint",
    "locking",
    Severity.WARNING,
    "A constraint on a domain is checked against every column of that domain, in every table.",
    check,
    nodes=frozenset({"CreateDomainStmt", "AlterDomainStmt"}),
    doc=__doc__ or "",
)
