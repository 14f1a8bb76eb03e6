"""Compare two schema models object by object.

``compare(expected, actual)`` walks both :class:`~pgshift.schema.model.Schema` values
and returns each object that one has and the other lacks, or that both have in
a different shape, down to columns, constraints, indexes, triggers, policies and
grants. ``drift`` compares the schema the migrations build with the live one;
``verify`` compares the schema before and after a down, and two up passes.

What a migration does not decide is left out: the owner of every object (the
role that ran it; ``owners=True`` compares them) and the ``public`` schema's own
owner and grants (set when the database was created, differently by version).

The order of a table's columns counts (``SELECT *``, ``COPY`` and ``INSERT`` without a
column list see it): two tables whose shared columns stand in another order differ
(``column_order=False`` leaves that out, for checks where a column dropped and added
back at the end is the best PostgreSQL can do).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

from pgshift.schema.model import Extension, Grant, Schema

Change = Literal["missing", "extra", "changed"]

# Fields that only restate the ``definition`` beside them, or are derived from it:
# a difference there shows once, as the definition.
_DERIVED = {
    "Index": {
        "method",
        "keys",
        "include",
        "unique",
        "primary",
        "nulls_not_distinct",
        "predicate",
    },
    "Constraint": {
        "columns",
        "references",
        "referenced_columns",
        "on_update",
        "on_delete",
        "match",
        "deferrable",
        "deferred",
        "nulls_not_distinct",
        "valid",
    },
    "Table": {"depends_on"},  # read from the view's definition
}

# Fields whose items' order means nothing (a table's storage parameters)
_UNORDERED = {"options"}

# What each tuple field holds, for the report ("column", "index", ...).
_KINDS = {
    "schemas": "schema",
    "tables": "table",
    "sequences": "sequence",
    "enums": "enum",
    "domains": "domain",
    "composites": "type",
    "functions": "function",
    "extensions": "extension",
    "collations": "collation",
    "columns": "column",
    "constraints": "constraint",
    "indexes": "index",
    "triggers": "trigger",
    "policies": "policy",
    "statistics": "statistics",
}


@dataclass(frozen=True, slots=True)
class Difference:
    """One object that differs: ``missing`` (expected, not there), ``extra`` (there,
    not expected) or ``changed`` (both, with ``detail`` saying how)."""

    kind: str  # "table", "column", "index", "grant", ...
    name: str  # qualified: "public.users", "public.users.email", "public.f(integer)"
    change: Change
    detail: str = ""
    expected: Any = None
    actual: Any = None

    def describe(self, expected: str = "expected", actual: str = "found") -> str:
        """One line: ``column public.users.bio: missing`` and the like, in the caller's
        words for the two sides (a migration's "before"/"after", "migrations"/"database")."""
        if self.change == "missing":
            text = f"in {expected}, not in {actual}"
        elif self.change == "extra":
            text = f"in {actual}, not in {expected}"
        else:
            text = self.detail
        return f"{self.kind} {self.name}: {text}"


@dataclass(frozen=True, slots=True)
class _Options:
    owners: bool
    column_order: bool


def compare(
    expected: Schema, actual: Schema, *, owners: bool = False, column_order: bool = True
) -> tuple[Difference, ...]:
    """Every difference between two models, ordered by kind of object and name."""
    found: list[Difference] = []
    options = _Options(owners, column_order)
    for field in fields(Schema):
        kind = _KINDS[field.name]
        found.extend(
            _collection(
                kind,
                "",
                getattr(expected, field.name),
                getattr(actual, field.name),
                options,
            )
        )
    return tuple(found)


def order_change(expected: Sequence[str], actual: Sequence[str]) -> str | None:
    """The detail line when the columns both lists hold stand in another order."""
    shared = set(expected) & set(actual)
    left = [c for c in expected if c in shared]
    right = [c for c in actual if c in shared]
    if left == right:
        return None
    return f"column order: {_show(tuple(expected))} -> {_show(tuple(actual))}"


def _key(item: Any) -> str:
    if isinstance(item, Extension):  # one per database, wherever its objects live
        return item.name
    if hasattr(item, "signature"):
        return str(item.signature)
    if hasattr(item, "schema") and hasattr(item, "name") and isinstance(item.schema, str):
        return f"{item.schema}.{item.name}"
    return str(item.name)


def _collection(
    kind: str, prefix: str, expected: Sequence[Any], actual: Sequence[Any], options: _Options
) -> Iterable[Difference]:
    left = {_key(item): item for item in expected}
    right = {_key(item): item for item in actual}
    for key in sorted(left.keys() | right.keys()):
        name = f"{prefix}{key}"
        if key not in right:
            yield Difference(kind, name, "missing", expected=left[key])
        elif key not in left:
            yield Difference(kind, name, "extra", actual=right[key])
        elif left[key] != right[key]:
            yield from _object(kind, name, left[key], right[key], options)


def _object(
    kind: str, name: str, expected: Any, actual: Any, options: _Options
) -> Iterable[Difference]:
    """The differences inside one object both sides have: its own fields first (one
    ``changed`` line), then what it holds (columns, indexes, grants, ...)."""
    type_name = type(expected).__name__
    skip = set(_DERIVED.get(type_name, ()))
    if not options.owners:
        skip.add("owner")
    public_schema = type_name == "Namespace" and name == "public"
    if public_schema:  # as CREATE DATABASE made it, a server version's default
        skip |= {"owner", "grants"}
    changes: list[str] = []
    inner: list[Difference] = []
    for field in fields(expected):
        if field.name in skip:
            continue
        left, right = getattr(expected, field.name), getattr(actual, field.name)
        if left == right or (field.name in _UNORDERED and sorted(left) == sorted(right)):
            continue
        if field.name == "grants":
            inner.extend(_grants(name, left, right))
        elif field.name in _KINDS and _holds_objects(left, right):
            inner.extend(_collection(_KINDS[field.name], f"{name}.", left, right, options))
            if field.name == "columns" and options.column_order and _has_own_columns(expected):
                order = order_change([c.name for c in left], [c.name for c in right])
                if order:
                    changes.append(order)
        else:
            changes.append(f"{field.name.replace('_', ' ')}: {_show(left)} -> {_show(right)}")
    if changes:
        yield Difference(kind, name, "changed", "; ".join(changes), expected, actual)
    yield from inner


def _holds_objects(*values: Sequence[Any]) -> bool:
    # a field named like a kind may hold a plain value (a column's statistics target)
    if not all(isinstance(value, tuple) for value in values):
        return False
    return all(is_dataclass(item) for value in values for item in value)


def _grants(name: str, expected: Sequence[Grant], actual: Sequence[Grant]) -> Iterable[Difference]:
    left, right = set(expected), set(actual)
    for grant in sorted(left | right, key=lambda g: (g.grantee, g.privilege, g.grantable)):
        if grant in left and grant in right:
            continue
        option = " WITH GRANT OPTION" if grant.grantable else ""
        label = f"{grant.privilege} on {name} to {grant.grantee}{option}"
        if grant in left:
            yield Difference("grant", label, "missing", expected=grant)
        else:
            yield Difference("grant", label, "extra", actual=grant)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else text[:117] + "..."


def _has_own_columns(table: Any) -> bool:
    """Tables keep their columns' order; a view's follows its (compared) definition."""
    return getattr(table, "kind", "") in ("table", "partitioned table", "foreign table")
