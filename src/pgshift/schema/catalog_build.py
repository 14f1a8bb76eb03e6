"""Catalog rows to model: the rows of the catalog queries built into a :class:`Schema`.

Rows come by query name (see :mod:`pgshift.schema.catalog_queries`), each a tuple
in the order of that query's columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from pgshift.schema.model import (
    Collation,
    Column,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    Grant,
    Index,
    Namespace,
    Policy,
    Schema,
    Sequence,
    Statistics,
    Table,
    Trigger,
)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)
_KINDS = {
    "r": "table",
    "p": "partitioned table",
    "v": "view",
    "m": "materialized view",
    "f": "foreign table",
}
_CONSTRAINT_KINDS = {
    "p": "primary key",
    "f": "foreign key",
    "u": "unique",
    "c": "check",
    "x": "exclusion",
}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}


def _by_name(items: list[_N]) -> tuple[_N, ...]:
    return tuple(sorted(items, key=lambda item: item.name))


def build_schema(rows: Callable[[str], list[tuple[Any, ...]]]) -> Schema:
    """The model from the catalog rows, which ``rows`` returns by query name."""
    schemas = tuple(
        Namespace(name, owner, comment, _parse_grants(acl))
        for name, owner, comment, acl in rows("schemas")
    )
    columns: dict[int, list[Column]] = defaultdict(list)
    names: dict[tuple[int, int], str] = {}  # (table oid, attnum) -> column name
    quoted: dict[tuple[int, int], str] = {}  # the same, as the server's deparser writes it
    for oid, num, as_written, *fields in rows("columns"):
        column = Column(*fields)
        columns[oid].append(column)
        names[oid, num] = column.name
        quoted[oid, num] = as_written
    indexes: dict[int, list[Index]] = defaultdict(list)
    for oid, name, definition, method, nkeys, nums, exprs, *flags, attached in rows("indexes"):
        items = tuple(
            quoted[oid, num] if num else (exprs or ())[position]
            for position, num in enumerate(nums)
        )
        index = Index(name, definition, method, items[:nkeys], items[nkeys:], *flags)
        if attached:
            index = replace(index, attached=tuple((p, n) for p, n in attached))
        indexes[oid].append(index)
    constraints: dict[int, list[Constraint]] = defaultdict(list)
    for (
        oid, name, kind, definition, cols, ref_cols, upd, dele, match,
        deferrable, deferred, valid, comment, references,
    ) in rows("constraints"):  # fmt: skip
        foreign = kind == "f"
        backing = [i for i in indexes.get(oid, ()) if i.constraint == name]
        constraints[oid].append(
            Constraint(
                name=name,
                kind=_CONSTRAINT_KINDS[kind],
                definition=definition,
                # 0: an element of an exclusion constraint that is an expression
                columns=tuple(names[oid, n] for n in cols or () if n),
                references=references if foreign else None,
                referenced_columns=tuple(ref_cols or ()) if foreign else (),
                on_update=_ACTIONS.get(upd) if foreign else None,
                on_delete=_ACTIONS.get(dele) if foreign else None,
                match=_MATCH.get(match) if foreign else None,
                deferrable=deferrable,
                deferred=deferred,
                valid=valid,
                nulls_not_distinct=any(i.nulls_not_distinct for i in backing),
                comment=comment,
            )
        )
    triggers: dict[int, list[Trigger]] = defaultdict(list)
    for oid, *fields in rows("triggers"):
        triggers[oid].append(Trigger(*fields))
    policies: dict[int, list[Policy]] = defaultdict(list)
    for oid, name, command, permissive, roles, using, check, comment in rows("policies"):
        policies[oid].append(Policy(name, command, permissive, tuple(roles), using, check, comment))

    statistics: dict[int, list[Statistics]] = defaultdict(list)
    for oid, *fields in rows("statistics"):
        statistics[oid].append(Statistics(*fields))

    tables = []
    for (
        oid, schema, name, kind, unlogged, comment, rls, force_rls, definition,
        partition_key, partition_of, partition_bound, owner, acl, depends_on, options,
        replica_identity, inherits,
    ) in rows("tables"):  # fmt: skip
        tables.append(
            Table(
                schema=schema,
                name=name,
                kind=_KINDS[kind],
                columns=tuple(columns.get(oid, ())),
                constraints=_by_name(constraints.get(oid, [])),
                indexes=_by_name(indexes.get(oid, [])),
                triggers=_by_name(triggers.get(oid, [])),
                policies=_by_name(policies.get(oid, [])),
                statistics=_by_name(statistics.get(oid, [])),
                comment=comment,
                definition=definition,
                unlogged=unlogged,
                row_security=rls,
                force_row_security=force_rls,
                partition_key=partition_key,
                partition_of=partition_of,
                partition_bound=partition_bound,
                owner=owner,
                grants=_parse_grants(acl),
                depends_on=tuple(depends_on or ()),
                options=tuple(options or ()),
                replica_identity=replica_identity,
                inherits=tuple(inherits or ()),
            )
        )

    enums, domains, composites = [], [], []
    for (
        kind, schema, name, items, base, nullable, default, owner, comment, acl, uses,
        collation,
    ) in rows("types"):  # fmt: skip
        grants = _parse_grants(acl)
        if kind == "e":
            enums.append(EnumType(schema, name, tuple(items or ()), owner, comment, grants))
        elif kind == "d":
            checks = tuple(items or ())
            domains.append(
                replace(
                    Domain(schema, name, base, nullable, default, checks, owner, comment, grants),
                    depends_on=tuple(uses or ()),
                    collation=collation,
                )
            )
        else:
            pairs = (item.split(" ", 1) for item in items or ())
            attributes = tuple((pair[0], pair[1]) for pair in pairs)
            composites.append(CompositeType(schema, name, attributes, owner, comment, grants))

    return Schema(
        schemas=schemas,
        tables=tuple(sorted(tables, key=lambda t: (t.schema, t.name))),
        sequences=tuple(
            sorted(
                (
                    _with_grants(replace(Sequence(*r[:-2]), cache=r[-2]), r[-1])
                    for r in rows("sequences")
                ),
                key=lambda s: (s.schema, s.name),
            )
        ),
        enums=tuple(sorted(enums, key=lambda e: (e.schema, e.name))),
        domains=tuple(sorted(domains, key=lambda d: (d.schema, d.name))),
        composites=tuple(sorted(composites, key=lambda c: (c.schema, c.name))),
        functions=tuple(
            sorted(
                (
                    replace(_with_grants(Function(*r[:-2]), r[-2]), depends_on=tuple(r[-1] or ()))
                    for r in rows("functions")
                ),
                key=lambda f: (f.schema, f.name, f.arguments),
            )
        ),
        extensions=tuple(Extension(*r) for r in rows("extensions")),
        collations=tuple(Collation(*r) for r in rows("collations")),
    )


_T = TypeVar("_T", Sequence, Function)


def _with_grants(value: _T, items: list[str] | None) -> _T:
    return replace(value, grants=_parse_grants(items))


def _parse_grants(items: list[str] | None) -> tuple[Grant, ...]:
    grants = []
    for item in items or ():
        grantee, privilege, *star = item.split(" ")
        grants.append(Grant(grantee, privilege, bool(star)))
    return tuple(grants)
