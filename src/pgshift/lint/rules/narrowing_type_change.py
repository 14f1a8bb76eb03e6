"""A column type change that can lose data fails on rows that do not fit, and rewrites.

## Problem

Changing a column to a type that holds less than the old one (a shorter
`varchar(n)`, a `numeric(p, s)` with fewer digits, a smaller integer, `bit(n)`
of another length, `timestamp` from `timestamptz`), or with a `USING`
expression, rewrites the table under an ACCESS EXCLUSIVE lock and fails the
whole migration on the first value that does not fit, or silently changes values
(time zones, rounding, a cast in `USING`).

## How pgshift decides

pgshift compares the new type with the column's current type, taken from the live
database (`pgshift lint --url`), from the earlier files of the run, or from the
earlier statements of the file. A change that keeps every value is no narrowing and
is not reported here:

- `varchar(n)` to `varchar(m)` with m >= n, to `varchar` or to `text`; `text` to
  `varchar`; `char(n)` to a string type at least n long;
- `numeric(p, s)` to `numeric` or to `numeric(p2, s2)` with s2 >= s and
  p2 - s2 >= p - s (as many digits before the point, and after it);
- `bit varying(n)` to `bit varying(m)` with m >= n (or no limit), `bit(n)` to
  `bit varying` of at least n;
- `smallint` to `integer` to `bigint` (serial types count as their integer), an
  integer to a `numeric` with room for its digits, `real` to `double precision`;
- `timestamp(p)`, `timestamptz(p)`, `time(p)` to a precision at least p; `date`
  to `timestamp`; `timestamp` to `timestamptz`.

(Whether such a change rewrites the table is the `change-column-type` rule's.)
`bit(n)` to `bit(m)` is no widening: `bit(m)` takes strings of exactly m bits, so
every existing value fails. When the current type is unknown (no connection, and no
file of the run defines the column), any limit on the new type, a smaller integer
or `real`, and `timestamp` are reported, and the message says the old type is
unknown.

## Solution

Keep the wider type and enforce the limit with a constraint instead:
`ADD CONSTRAINT ... CHECK (char_length(email) <= 20) NOT VALID`, then
`VALIDATE CONSTRAINT` in a later migration. To really change the type, add a new
column, backfill it in batches, switch the code, then drop the old one.

## Examples

```sql bad line=1 severity=error safe="NOT VALID"
ALTER TABLE users ALTER COLUMN email TYPE varchar(20);
```

```sql bad line=1 severity=error safe="NOT VALID"
ALTER TABLE users ALTER COLUMN email TYPE char(50);
```

```sql bad line=1 severity=error safe="NOT VALID"
ALTER TABLE users ALTER COLUMN score TYPE smallint;
```

```sql bad line=1 severity=error safe="NOT VALID"
ALTER TABLE users ALTER COLUMN name TYPE varchar(80) USING left(name, 80);
```

```sql bad line=2 severity=error safe="NOT VALID"
ALTER TABLE users ADD COLUMN nick varchar(100);
ALTER TABLE users ALTER COLUMN nick TYPE varchar(50);
```

```sql good
ALTER TABLE users ADD CONSTRAINT users_email_length CHECK (char_length(email) <= 20) NOT VALID;
```

```sql good
ALTER TABLE users ALTER COLUMN email TYPE text;
```

```sql good
CREATE TABLE notes (body text);
ALTER TABLE notes ALTER COLUMN body TYPE varchar(200);
```

```sql good
ALTER TABLE users ADD COLUMN nick varchar(100);
ALTER TABLE users ALTER COLUMN nick TYPE varchar(200);
```

```sql good
ALTER TABLE users ADD COLUMN price numeric(10, 2);
ALTER TABLE users ALTER COLUMN price TYPE numeric(12, 2);
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Lock, Rule, Severity
from pgshift.migrations.tree import (
    Node,
    altered_table,
    commands_of,
    is_array,
    strings,
    type_mods,
    type_name,
    unwrap,
)

if TYPE_CHECKING:
    from pgshift.lint.known import ColumnType

# the names a type goes by, to the one pg_type gives it (the parser already maps
# `integer`, `decimal`, `character varying`...; the serial types are only in files)
_ALIASES = {
    "int": "int4",
    "integer": "int4",
    "serial": "int4",
    "serial4": "int4",
    "smallint": "int2",
    "smallserial": "int2",
    "serial2": "int2",
    "bigint": "int8",
    "bigserial": "int8",
    "serial8": "int8",
    "decimal": "numeric",
    "dec": "numeric",
    "real": "float4",
    "float": "float8",
    "double precision": "float8",
    "character varying": "varchar",
    "character": "bpchar",
    "bit varying": "varbit",
    "boolean": "bool",
}
# how SQL writes them back
_SPELLING = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bpchar": "char",
    "varbit": "bit varying",
    "bool": "boolean",
}
_STRINGS = {"varchar", "text", "bpchar"}
_INT_RANK = {"int2": 0, "int4": 1, "int8": 2}
_INT_DIGITS = {"int2": 5, "int4": 10, "int8": 19}  # the digits of their largest value
_PRECISION = {"timestamp", "timestamptz", "time", "timetz"}  # (p): fractional digits, 6 at most
# what today's judgement (the old type unknown) flags by the new type alone
_LIMITED = {"varchar", "bpchar", "char", "numeric", "bit", "varbit"}
_SMALL = {"int2", "int4", "float4"}


@dataclass(frozen=True, slots=True)
class SqlType:
    """A column type: its pg_type name (``int4``, ``varchar``), modifiers and array-ness."""

    name: str
    mods: tuple[int, ...] = ()
    array: bool = False

    @classmethod
    def of(cls, name: str, mods: tuple[int, ...] | list[int], array: bool = False) -> SqlType:
        """The type under its canonical name, ``numeric(p)`` as ``numeric(p,0)``; a
        leading ``_`` (pg_type's name of an array type) as an array of the element."""
        if name.startswith("_"):
            name, array = name[1:], True
        name = _ALIASES.get(name, name)
        values = tuple(mods)
        if name == "numeric" and len(values) == 1:
            values = (values[0], 0)
        return cls(name, values, array)

    @classmethod
    def known(cls, found: ColumnType, array: bool | None = None) -> SqlType:
        """A column type known before the statement (``ctx.column_type``); ``array``,
        when the statement says it, stands for an array-ness the facts may not hold (those
        from files record the element type alone)."""
        kind = cls.of(*found)
        if array is not None and not found[0].startswith("_"):
            return cls(kind.name, kind.mods, array)
        return kind

    def __str__(self) -> str:
        name = _SPELLING.get(self.name, self.name)
        mods = f"({','.join(str(m) for m in self.mods)})" if self.mods else ""
        return f"{name}{mods}{'[]' if self.array else ''}"


def new_type(column_def: Node) -> SqlType:
    """The type an ``ALTER COLUMN ... TYPE`` (its ``ColumnDef``) changes the column to."""
    node = column_def.get("typeName")
    assert node is None or isinstance(node, dict)
    return SqlType.of(type_name(node), type_mods(node), is_array(node))


def has_using(column_def: Node, column: str | None = None) -> bool:
    """Whether an ``ALTER COLUMN ... TYPE`` has a ``USING`` expression of its own: a plain
    cast of the column itself to the new type (``USING c::text``) is what PostgreSQL does
    without one, so it does not count (``column``: the column, when known)."""
    using = column_def.get("raw_default")
    if not using:
        return False
    if column is None:
        return True
    kind, body = unwrap(using)
    if kind == "TypeCast":
        cast = body.get("typeName")
        if new_type({"typeName": cast}) != new_type(column_def):
            return True
        kind, body = unwrap(body.get("arg") or {})
    if kind != "ColumnRef":
        return True
    return strings(body.get("fields")) != [column]


def old_type(ctx: Context, table: str, column: str, new: SqlType) -> SqlType | None:
    """The column's type before the statement, when lint knows it."""
    found = ctx.column_type(table, column)
    return None if found is None else SqlType.known(found, new.array)


def _length(kind: SqlType) -> int | None:
    """The most characters a string type holds (None: no limit)."""
    return kind.mods[0] if kind.name in ("varchar", "bpchar") and kind.mods else None


def _precision(kind: SqlType) -> int:
    return kind.mods[0] if kind.mods else 6


def widens(old: SqlType, new: SqlType) -> bool:
    """Whether every value of ``old`` converts to ``new`` unchanged (so nothing fails)."""
    if old == new:
        return True
    if old.array != new.array:
        return False  # needs a USING expression anyway
    o, n, nm = old.name, new.name, new.mods
    if o in _STRINGS and n in _STRINGS:
        if n == "text" or (n == "varchar" and not nm):
            return True  # (char's trailing blanks go, as char ignores them)
        most = _length(old)
        return bool(nm) and most is not None and nm[0] >= most
    if o in ("bit", "varbit") and n == "varbit":
        return not nm or (bool(old.mods) and nm[0] >= old.mods[0])
    if n == "numeric":
        if not nm:
            return o == "numeric" or o in _INT_DIGITS
        p2, s2 = nm[0], nm[1] if len(nm) > 1 else 0
        if o in _INT_DIGITS:
            return p2 - s2 >= _INT_DIGITS[o]
        if o != "numeric" or len(old.mods) < 2:
            return False
        p, s = old.mods[0], old.mods[1]
        return s2 >= s and p2 - s2 >= p - s
    if o in _INT_RANK and n in _INT_RANK:
        return _INT_RANK[n] >= _INT_RANK[o]
    if (o, n) in {("int2", "float4"), ("int2", "float8"), ("int4", "float8"), ("float4", "float8")}:
        return True  # exactly: their values fit the float's mantissa
    if n in _PRECISION and (o == n or (o, n) == ("timestamp", "timestamptz")):
        return _precision(new) >= _precision(old)
    return o == "date" and n in ("timestamp", "timestamptz")


def keeps_the_file(old: SqlType, new: SqlType) -> bool:
    """Whether PostgreSQL changes ``old`` to ``new`` without rewriting the table: the
    same bytes (``varchar`` to ``text``), or a limit that only grows (the support
    functions of ``varchar``, ``varbit``, ``numeric`` of the same scale, and the time
    types let the change through as a relabelling). An array is always rewritten."""
    if old == new:
        return True
    if old.array or new.array:
        return False
    o, n, om, nm = old.name, new.name, old.mods, new.mods
    if o in ("varchar", "text") and n in ("varchar", "text"):
        return not nm or (o == "varchar" and bool(om) and nm[0] >= om[0])
    if o in ("varchar", "text") and n == "citext":
        return True
    if n == "varbit" and o in ("bit", "varbit"):
        return not nm or (o == "varbit" and bool(om) and nm[0] >= om[0])
    if o == n == "numeric":
        return not nm or (len(om) == 2 and len(nm) == 2 and nm[1] == om[1] and nm[0] >= om[0])
    if n in _PRECISION and o == n:
        return _precision(new) >= _precision(old)
    # (without rewriting only in a session whose time zone is UTC: as the rule's doc says)
    return (o, n) == ("timestamp", "timestamptz") and _precision(new) >= _precision(old)


@dataclass(frozen=True, slots=True)
class Narrowing:
    """Why a type change may not keep the old values, and what PostgreSQL then does."""

    why: str
    fails: bool = True  # raises on a value that does not fit
    changes: bool = False  # changes values without an error (rounding, time zones)

    @property
    def outcome(self) -> str:
        """What the migration does with an existing value the new type does not hold."""
        if self.fails and self.changes:
            return (
                "the migration fails on the first row it cannot convert, or changes values "
                "without an error, while it rewrites the table under an ACCESS EXCLUSIVE lock"
            )
        if self.fails:
            return (
                "the migration fails on the first row that does not fit, while it rewrites "
                "the table under an ACCESS EXCLUSIVE lock"
            )
        return "PostgreSQL changes existing values without an error, under an ACCESS EXCLUSIVE lock"


def _by_new_type(new: SqlType, old: SqlType | None) -> Narrowing | None:
    """The judgement from the new type alone (the old one unknown, or no rule below fits)."""
    was = f"{old}" if old else "the type it replaces"
    if new.name == "bit" and new.mods:
        return Narrowing(f"{new} takes strings of exactly {new.mods[0]} bits, and no other length")
    if new.name == "numeric" and len(new.mods) == 2:
        p, s = new.mods
        return Narrowing(
            f"{new} holds at most {p - s} digits before the point, and rounds to {s} after it",
            changes=True,
        )
    if new.name in _LIMITED and new.mods:
        return Narrowing(f"{new} has a limit that values of {was} may exceed")
    if new.name in _SMALL:
        return Narrowing(f"{new} holds smaller numbers than {was} may")
    if new.name == "timestamp" and (old is None or old.name == "timestamptz"):
        return Narrowing(
            "timestamp without time zone drops the time zone of existing values",
            fails=False,
            changes=True,
        )
    return None


def _known_narrowing(old: SqlType, new: SqlType) -> Narrowing | None:
    """Why ``old`` (known, and not widened by ``new``) loses values, where it can be said
    more precisely than by the new type alone."""
    o, n = old.name, new.name
    if o in _STRINGS and n in ("varchar", "bpchar") and new.mods:
        most = _length(old)
        holds = f"up to {most}" if most is not None else "any number of"
        return Narrowing(f"{new} holds at most {new.mods[0]} characters, {old} {holds}")
    if o in ("bit", "varbit") and n == "varbit" and new.mods:
        return Narrowing(f"{new} holds at most {new.mods[0]} bits, {old} more")
    if n == "numeric" and len(new.mods) == 2 and (o == "numeric" or o in _INT_DIGITS):
        p2, s2 = new.mods
        if o in _INT_DIGITS:
            before, after = _INT_DIGITS[o], 0
        elif len(old.mods) == 2:
            before, after = old.mods[0] - old.mods[1], old.mods[1]
        else:
            return None  # numeric without a limit: the new type's judgement says it
        overflow, rounds = p2 - s2 < before, s2 < after
        parts = []
        if overflow:
            parts.append(f"{new} holds {p2 - s2} digits before the point, {old} {before}")
        if rounds:
            parts.append(f"{new} rounds to {s2} decimal places, {old} keeps {after}")
        return Narrowing("; ".join(parts), fails=overflow, changes=rounds) if parts else None
    if o in _INT_RANK and n in _INT_RANK:
        return Narrowing(f"{new} holds smaller numbers than {old}")
    if n in _PRECISION and (o == n or (o, n) == ("timestamp", "timestamptz")):
        return Narrowing(
            f"{new} rounds to {_precision(new)} fractional digits of a second, {old} keeps "
            f"{_precision(old)}",
            fails=False,
            changes=True,
        )
    if (o, n) == ("timestamptz", "timestamp"):
        rounds = _precision(new) < _precision(old)
        return Narrowing(
            "timestamp without time zone drops the time zone of existing values"
            + (", and keeps fewer fractional digits" if rounds else ""),
            fails=False,
            changes=True,
        )
    return None


def judge(new: SqlType, old: SqlType | None, using: bool = False) -> Narrowing | None:
    """Why changing a column of type ``old`` (None: unknown) to ``new`` may lose values, or
    None when it keeps them all (a widening)."""
    if using:
        return Narrowing("its USING expression may change or reject values", changes=True)
    if old is not None and old.array == new.array:
        if widens(old, new):
            return None
        found = _known_narrowing(old, new)
        if found is not None:
            return found
    return _by_new_type(new, old)


def narrowing(column_def: Node, old: ColumnType | None = None) -> str | None:
    """Why a new column type (an ``ALTER COLUMN ... TYPE``'s ``ColumnDef``) may not hold
    the old values, or None; ``old``: the column's current type, when known."""
    new = new_type(column_def)
    found = judge(
        new,
        None if old is None else SqlType.known(old, new.array),
        bool(column_def.get("raw_default")),  # ALTER ... TYPE ... USING expr
    )
    return None if found is None else found.why


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    table = altered_table(stmt.node, stmt.body)
    if not table or ctx.is_new(table):
        return
    for cmd in commands_of(stmt.body, "AT_AlterColumnType"):
        column_def = (cmd.get("def") or {}).get("ColumnDef", {})
        column = cmd.get("name", "?")
        new = new_type(column_def)
        old = old_type(ctx, table, column, new)
        found = judge(new, old, has_using(column_def, column))
        if found is None:
            continue
        change = (
            f"changing the type of {table}.{column} from {old} to {new}"
            if old is not None
            else f"changing the type of {table}.{column} to {new} (lint does not know its "
            "current type: with --url it reads it from the database)"
        )
        yield Hit(
            f"{change}: {found.why}; {found.outcome}{ctx.size(table)}.",
            f"Keep the type and add a CHECK constraint NOT VALID (VALIDATE it in a later "
            f"migration); or add a new column, backfill it in batches, switch the code, and "
            f"drop {column} later.",
        )


RULE = Rule(
    "narrowing-type-change",
    "destructive",
    Severity.ERROR,
    "A column type change that can lose data fails on rows that do not fit, and rewrites.",
    check,
    lock=Lock("AccessExclusiveLock", rewrite=True),
    nodes=frozenset({"AlterTableStmt"}),
    doc=__doc__ or "",
)
