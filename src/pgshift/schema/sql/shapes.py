"""Pure helpers of the diff: keys, names as SQL prints them, and how objects compare."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pgshift.schema.dump import (
    function_target,
    ident,
    literal,
    quote,
)
from pgshift.schema.model import (
    Column,
    Constraint,
    Domain,
    Extension,
    Function,
    Grant,
    Namespace,
    Policy,
    Schema,
    Table,
)
from pgshift.schema.model import Sequence as SequenceObject


def key(obj: Any) -> str:
    if isinstance(obj, Function):
        return obj.signature
    if isinstance(obj, Extension | Namespace):
        return obj.name
    return f"{obj.schema}.{obj.name}"


def by_key(items: Iterable[Any]) -> dict[str, Any]:
    return {key(item): item for item in items}


def named(items: Iterable[Any]) -> dict[str, Any]:
    return {item.name: item for item in items}


def word(name: str) -> re.Pattern[str]:
    """A regex for an identifier as PostgreSQL prints it (quoted or not)."""
    quoted = re.escape(quote(name))
    if quoted == re.escape(name):
        return re.compile(rf'(?<![\w"$]){re.escape(name)}(?![\w"$])')
    return re.compile(quoted)


def type_names(schema: str, name: str) -> set[str]:
    """How a column's type may name a type: bare, or schema-qualified, quoted or not."""
    return {name, quote(name), f"{schema}.{name}", ident(schema, name)}


def base_type(type_text: str) -> str:
    """``mood[]`` -> ``mood``: the element type of an array type."""
    return re.sub(r"(\[\])+$", "", type_text.strip())


def routine(function: Function) -> str:
    """How DROP, ALTER and COMMENT name a function's kind."""
    return {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get(function.kind, "FUNCTION")


def table_kind(table: Table) -> str:
    return {
        "view": "VIEW",
        "materialized view": "MATERIALIZED VIEW",
        "foreign table": "FOREIGN TABLE",
    }.get(table.kind, "TABLE")


class Renamer:
    """Rewrites a definition for renamed tables and columns of one table."""

    def __init__(self, tables: dict[str, str], columns: dict[str, str], table: Table) -> None:
        self.table = table
        self.new_table = tables.get(table.qualified)
        self.columns = columns

    def __call__(self, text: str) -> str:
        if self.new_table:
            schema, _, bare = self.new_table.partition(".")
            old = ident(self.table.schema, self.table.name)
            text = text.replace(f" ON {old} ", f" ON {ident(schema, bare)} ")
            text = text.replace(f" ON ONLY {old} ", f" ON ONLY {ident(schema, bare)} ")
        for old_name, new_name in self.columns.items():
            head, sep, tail = text.partition(" REFERENCES ")
            head = word(old_name).sub(quote(new_name).replace("\\", "\\\\"), head)
            text = head + sep + tail
        return text


def references(definition: str, moved: dict[str, str]) -> str:
    """A foreign key's definition with the referenced columns renamed."""
    head, sep, tail = definition.partition(" REFERENCES ")
    if not sep:
        return definition
    match = re.match(r"([^(]*\()([^)]*)(\).*)", tail, re.S)
    if not match:
        return definition
    listed = match.group(2)
    for old, new in moved.items():
        listed = word(old).sub(quote(new).replace("\\", "\\\\"), listed)
    return head + sep + match.group(1) + listed + match.group(3)


def sequence_shape(s: SequenceObject) -> tuple[Any, ...]:
    return (s.type, s.start, s.increment, s.minimum, s.maximum, s.cycle)


def constraint_shape(c: Constraint) -> tuple[str, str]:
    return (c.kind, re.sub(r"\s+NOT VALID$", "", c.definition))


def index_named(definition: str, old: str, new: str) -> str:
    return definition.replace(f" INDEX {quote(old)} ON ", f" INDEX {quote(new)} ON ", 1)


def same_shape(a: Table, b: Table) -> bool:
    """Two tables identical but for their names (and their objects' names)."""
    return (
        a.kind == b.kind
        and tuple(map(_unsequenced, a.columns)) == tuple(map(_unsequenced, b.columns))
        and a.unlogged == b.unlogged
        and a.partition_key == b.partition_key
        and len(a.constraints) == len(b.constraints)
        and len(a.indexes) == len(b.indexes)
        and bool(a.columns)
    )


_NEXTVAL = re.compile(r"nextval\('[^']*'::regclass\)")


def _unsequenced(column: Column) -> Column:
    """A column with its serial default's sequence name left out: a renamed table's
    sequence is renamed with it."""
    if column.default is None:
        return column
    return replace(column, default=_NEXTVAL.sub("nextval(?)", column.default))


def same_column(a: Column, b: Column) -> bool:
    """Two columns identical but for their names (and comments)."""
    return replace(a, name=b.name, comment=b.comment) == b


def constraint_changed(a: Constraint, b: Constraint) -> bool:
    # NOT VALID -> valid is a VALIDATE, not a new constraint
    strip = re.compile(r"\s+NOT VALID$")
    return (strip.sub("", a.definition), a.kind) != (strip.sub("", b.definition), b.kind) or (
        a.valid and not b.valid
    )


def policy_changed(a: Policy, b: Policy) -> bool:
    return replace(a, comment=None) != replace(b, comment=None)


def drop_domain_check(domain: Domain, check: str) -> str:
    """``ALTER DOMAIN ... DROP CONSTRAINT`` of a check the model keeps with its name
    (``CONSTRAINT name CHECK (...)``); one kept by definition alone is found at run time."""
    named = re.match(r'CONSTRAINT ("(?:[^"]|"")*"|\S+) ', check)
    if named:
        return f"ALTER DOMAIN {ident(domain.schema, domain.name)} DROP CONSTRAINT {named.group(1)}"
    body = (
        "DECLARE found name; BEGIN "
        "SELECT c.conname INTO found FROM pg_constraint c "
        f"WHERE c.contypid = {literal(ident(domain.schema, domain.name))}::regtype "
        f"AND pg_get_constraintdef(c.oid) = {literal(check)}; "
        f"EXECUTE format('ALTER DOMAIN %s DROP CONSTRAINT %I', "
        f"{literal(ident(domain.schema, domain.name))}, found); END"
    )
    return f"DO $pgshift$ {body} $pgshift$"


def mentions_type(function: Function, names: set[str]) -> bool:
    words = set(re.findall(r"[\w.\"]+(?:\[\])*", f"{function.arguments} {function.returns or ''}"))
    return any(base_type(w) in names for w in words)


def identity(schema: Schema, owned_by: str) -> bool:
    table_name, _, column = owned_by.rpartition(".")
    table = schema.table(table_name)
    return bool(table and any(c.name == column and c.identity for c in table.columns))


def column_ref(owned_by: str) -> str:
    table_name, _, column = owned_by.rpartition(".")
    schema, _, bare = table_name.partition(".")
    return ident(schema, bare, column)


def defaults(key: str) -> set[Grant]:
    """What a newly created object grants to others than its owner."""
    if key.startswith("function "):
        return {Grant("PUBLIC", "EXECUTE")}
    if key.startswith("type "):
        return {Grant("PUBLIC", "USAGE")}
    return set()


def grant_order(grant: Grant) -> tuple[str, str, bool]:
    return (grant.grantee, grant.privilege, grant.grantable)


def comment_targets(
    schema: Schema, tables: set[str] | None = None
) -> dict[str, tuple[str, str | None]]:
    """Every commentable object, by ``kind name``: how COMMENT ON names it, and its
    comment. ``tables`` limits the tables (and what they hold) to those named."""
    found: dict[str, tuple[str, str | None]] = {}
    for namespace in schema.schemas:
        found[f"schema {namespace.name}"] = (f"SCHEMA {quote(namespace.name)}", namespace.comment)
    for enum in schema.enums:
        found[f"type {enum.schema}.{enum.name}"] = (
            f"TYPE {ident(enum.schema, enum.name)}",
            enum.comment,
        )
    for composite in schema.composites:
        found[f"type {composite.schema}.{composite.name}"] = (
            f"TYPE {ident(composite.schema, composite.name)}",
            composite.comment,
        )
    for collation in schema.collations:
        found[f"collation {collation.schema}.{collation.name}"] = (
            f"COLLATION {ident(collation.schema, collation.name)}",
            collation.comment,
        )
    for domain in schema.domains:
        found[f"domain {domain.schema}.{domain.name}"] = (
            f"DOMAIN {ident(domain.schema, domain.name)}",
            domain.comment,
        )
    for seq in schema.sequences:
        found[f"sequence {seq.schema}.{seq.name}"] = (
            f"SEQUENCE {ident(seq.schema, seq.name)}",
            seq.comment,
        )
    for function in schema.functions:
        found[f"function {function.signature}"] = (
            f"{routine(function)} {function_target(function)}",
            function.comment,
        )
    for table in schema.tables:
        if tables is not None and table.qualified not in tables:
            continue
        name = ident(table.schema, table.name)
        kind = "view" if table.kind in ("view", "materialized view") else "table"
        found[f"{kind} {table.qualified}"] = (f"{table_kind(table)} {name}", table.comment)
        for column in table.columns:
            found[f"column {table.qualified}.{column.name}"] = (
                f"COLUMN {name}.{quote(column.name)}",
                column.comment,
            )
        for c in table.constraints:
            found[f"constraint {table.qualified}.{c.name}"] = (
                f"CONSTRAINT {quote(c.name)} ON {name}",
                c.comment,
            )
        for index in table.indexes:
            found[f"index {table.qualified}.{index.name}"] = (
                f"INDEX {ident(table.schema, index.name)}",
                index.comment,
            )
        for stat in table.statistics:
            found[f"statistics {table.qualified}.{stat.name}"] = (
                f"STATISTICS {ident(stat.schema, stat.name)}",
                stat.comment,
            )
        for trigger in table.triggers:
            found[f"trigger {table.qualified}.{trigger.name}"] = (
                f"TRIGGER {quote(trigger.name)} ON {name}",
                trigger.comment,
            )
        for policy in table.policies:
            found[f"policy {table.qualified}.{policy.name}"] = (
                f"POLICY {quote(policy.name)} ON {name}",
                policy.comment,
            )
    return found


_WIDTH = re.compile(r"^(character varying|varchar|character|char|bit varying|bit)\((\d+)\)$")


_NUMERIC = re.compile(r"^numeric\((\d+)(?:,\s*(\d+))?\)$")


_INTEGERS = {"smallint": 2, "integer": 4, "bigint": 8}


def narrows(before: str, after: str) -> bool:
    """Whether a type change can lose or refuse values (shorter, smaller, another kind)."""
    if before == after:
        return False
    a, b = _WIDTH.match(before), _WIDTH.match(after)
    if a and b and a.group(1) == b.group(1):
        return int(b.group(2)) < int(a.group(2))
    if a and after == "text":
        return False
    if before in _INTEGERS and after in _INTEGERS:
        return _INTEGERS[after] < _INTEGERS[before]
    if before in _INTEGERS and after in ("numeric", "double precision", "real"):
        return after == "real"
    n_a, n_b = _NUMERIC.match(before), _NUMERIC.match(after)
    if n_a and n_b:
        return int(n_b.group(1)) < int(n_a.group(1)) or int(n_b.group(2) or 0) < int(
            n_a.group(2) or 0
        )
    if n_a and after == "numeric":
        return False
    if before in ("character varying", "varchar") and after == "text":
        return False
    return not (before == "timestamp without time zone" and after == "timestamp with time zone")


def mentions(text: str | None, names: set[str]) -> bool:
    """Whether SQL ``text`` calls one of the functions ``names`` (bare names)."""
    if not text or not names:
        return False
    return any(re.search(rf'(?<![\w$"]){re.escape(name)}\s*\(', text) for name in names)


def uses_column(text: str | None, column: str) -> bool:
    """Whether a definition (index, check, policy) names ``column``."""
    if not text:
        return False
    return re.search(rf'(?<![\w$"]){re.escape(column)}(?![\w$"])', text) is not None or (
        f'"{column}"' in text
    )
