"""How a column changes type: the cast the server has, a way through another type, or
none (the change is then refused: only its author knows what the values mean)."""

from __future__ import annotations

import re

from pgshift.errors import PgshiftError

# built-in types by family; a type outside these (a user's, an extension's, an array)
# is left to the server's cast
_FAMILIES = {
    "smallint": "number",
    "integer": "number",
    "bigint": "number",
    "numeric": "number",
    "real": "number",
    "double precision": "number",
    "boolean": "boolean",
    "date": "date",
    "timestamp without time zone": "date",
    "timestamp with time zone": "date",
    "time without time zone": "time",
    "time with time zone": "time",
    "interval": "interval",
    "json": "json",
    "jsonb": "json",
    "uuid": "uuid",
    "bytea": "bytea",
    "inet": "network",
    "cidr": "network",
}
_STRINGS = {"text", "character varying", "character", "name", '"char"'}
# the casts between families, (from, to) by type or family
_CASTS = {
    ("integer", "boolean"),
    ("boolean", "integer"),
    ("jsonb", "number"),
    ("jsonb", "boolean"),
    ("timestamp without time zone", "time without time zone"),
    ("timestamp with time zone", "time without time zone"),
    ("timestamp with time zone", "time with time zone"),
    ("interval", "time without time zone"),
    ("time without time zone", "interval"),
}
# the family pairs whose values go through text unchanged
_THROUGH_TEXT = {("number", "json"), ("boolean", "json"), ("json", "number"), ("json", "boolean")}
_TYPMOD = re.compile(r"\(\d+(?:,\s*\d+)?\)")


def _bare(type_name: str) -> str:
    """``timestamp(3) without time zone`` as ``timestamp without time zone``."""
    return " ".join(_TYPMOD.sub("", type_name).split())


def cast_path(column: str, before: str, after: str) -> str:
    """What goes between the column and ``::after`` in ``USING``: ``""`` for the server's
    own cast, ``::text`` or ``::integer`` when that is the way; raises when there is none.
    """
    a, b = _bare(before), _bare(after)
    if a in _STRINGS or b in _STRINGS or a not in _FAMILIES or b not in _FAMILIES:
        return ""  # every type casts to and from text; the server knows the rest
    fa, fb = _FAMILIES[a], _FAMILIES[b]
    if fa == fb or {(a, b), (a, fb), (fa, b)} & _CASTS:
        return ""
    if {a, b} in ({"smallint", "boolean"}, {"bigint", "boolean"}):
        return "::integer"  # only integer casts to and from boolean (0 and 1)
    if (fa, fb) in _THROUGH_TEXT:
        return "::text"  # a number's or a boolean's text is its JSON, and back
    raise PgshiftError(
        f"column {column}: its type changes from {before} to {after}, and PostgreSQL has no "
        "cast between them that pgshift could trust with the values.",
        f"Write the change by hand: ALTER TABLE ... ALTER COLUMN ... TYPE {after} "
        "USING <an expression that turns the old values into new ones> (to_timestamp(), "
        "a CASE, ...), in a migration of its own.",
    )
