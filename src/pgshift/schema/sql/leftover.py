"""What a script leaves different: the differences no step of it writes.

A diff that writes nothing for a difference it sees must say so, never end in a silent
"no difference". With no step at all, every difference of the two models is left. With
steps, what is left is foreseen from them: PostgreSQL adds a column at the end of its
table only, so a column the target wants in the middle, or one dropped and added again,
ends in another place than the target's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pgshift.schema.compare import Difference, compare
from pgshift.schema.dump import parents_of
from pgshift.schema.model import Schema, Table
from pgshift.schema.sql.shapes import by_key
from pgshift.schema.sql.steps import Step

_OWN_COLUMNS = ("table", "partitioned table", "foreign table")


def leftover(
    source: Schema, current: Schema, target: Schema, steps: Sequence[Step], owners: bool
) -> tuple[Difference, ...]:
    """The differences between ``source`` and ``target`` once ``steps`` have run that no
    step writes (``current``: the source with the steps' renames made). Each reads from
    the source to the target: ``compare(source, target)``'s words."""
    if not steps:
        return compare(source, target, owners=owners)
    return (*_column_orders(current, target, steps), *_made_local(current, target, steps))


def _column_orders(current: Schema, target: Schema, steps: Sequence[Step]) -> Iterable[Difference]:
    before = by_key(current.tables)
    remade = {s.name for s in steps if s.kind == "table" and s.action in ("create", "drop")}
    orders = _orders_after(current, steps)
    for table in target.tables:
        was = before.get(table.qualified)
        if was is None or table.qualified in remade or not _ordered(was, table):
            continue
        after = orders[table.qualified]
        wanted = [c.name for c in table.columns]
        if after != wanted and set(after) == set(wanted):
            yield Difference(
                "table",
                table.qualified,
                "changed",
                f"column order: the script leaves {_names(after)}, wanted {_names(wanted)} "
                "(PostgreSQL adds a column at the end only: rebuild the table to reorder, "
                "or keep the order the script leaves)",
                table,
                was,
            )


def _made_local(current: Schema, target: Schema, steps: Sequence[Step]) -> Iterable[Difference]:
    """Columns a child keeps as its own once NO INHERIT leaves its parent: no statement
    makes a column inherited-only again, so one the target has only inherited stays
    declared by the table."""
    before = by_key(current.tables)
    remade = {s.name for s in steps if s.kind == "table" and s.action in ("create", "drop")}
    for table in target.tables:
        was = before.get(table.qualified)
        if was is None or table.qualified in remade:
            continue
        left = set(was.inherits) - set(table.inherits)
        if not left:
            continue
        theirs = {c.name for t in current.tables if t.qualified in left for c in t.columns}
        wanted = {c.name: c for c in table.columns}
        for column in was.columns:
            twin = wanted.get(column.name)
            if not column.local and column.name in theirs and twin is not None and not twin.local:
                yield Difference(
                    "column",
                    f"{table.qualified}.{column.name}",
                    "changed",
                    "declared by the table once NO INHERIT leaves its parent, wanted only "
                    "inherited (no statement makes a column inherited-only again: recreate "
                    "the table for that)",
                    twin,
                    column,
                )


def _ordered(was: Table, table: Table) -> bool:
    """Both sides are tables that keep a column order of their own."""
    return was.kind in _OWN_COLUMNS and table.kind in _OWN_COLUMNS


def _orders_after(current: Schema, steps: Sequence[Step]) -> dict[str, list[str]]:
    """Every table's columns in order once the steps have run: a column added to a
    parent (INHERITS, or a partitioned table) comes last in each child that lacks it,
    and one dropped without ONLY leaves the children too."""
    keys = {t.qualified for t in current.tables}
    orders = {t.qualified: [c.name for c in t.columns] for t in current.tables}
    children: dict[str, list[str]] = {}
    for table in current.tables:
        for parent in parents_of(table, keys):
            children.setdefault(parent, []).append(table.qualified)

    def family(key: str) -> list[str]:
        found, stack = [], [key]
        while stack:
            for child in children.get(stack.pop(), []):
                found.append(child)
                stack.append(child)
        return found

    for step in steps:
        if step.kind != "column":
            continue
        key, _, column = step.name.rpartition(".")
        if key not in orders:
            continue
        if step.action == "create":
            for each in [key, *family(key)]:
                if column not in orders[each]:
                    orders[each].append(column)
        elif step.action == "drop":
            alone = " ONLY " in f" {step.sql} "
            for each in [key] if alone else [key, *family(key)]:
                if column in orders[each]:
                    orders[each].remove(column)
    return orders


def _names(columns: Sequence[str]) -> str:
    return "(" + ", ".join(columns) + ")"
