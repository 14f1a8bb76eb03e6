"""Table hierarchies: INHERITS parents and partitions, as a diff sees them.

What a parent gives its children (inherited columns and checks, keys, indexes and
triggers cloned onto partitions) is the parent's alone: written once, on the parent,
and the server passes it on. What cannot change in place (a table made partitioned
or plain, a new partition key) is dropped and created again, a destructive step.
"""

from __future__ import annotations

from dataclasses import replace

from pgshift.schema.compare import Difference
from pgshift.schema.dump import ident, literal, parents_of, quote
from pgshift.schema.model import Column, Schema, Table
from pgshift.schema.sql.triggers import TriggerSteps


def remade(before: Table, after: Table) -> bool:
    """Whether a table must be dropped and created again: made partitioned or plain,
    or partitioned by another key (the server changes neither in place)."""
    tables = ("table", "partitioned table")
    return (
        before.kind in tables
        and after.kind in tables
        and (before.kind, before.partition_key) != (after.kind, after.partition_key)
    )


def parent_remade(table: Table, old: dict[str, Table], new: dict[str, Table]) -> bool:
    """Whether ``table`` (of ``old``) is a partition of a table :func:`remade`."""
    return any(
        parent in new and remade(old[parent], new[parent])
        for parent in parents_of(table, set(old))
        if table.partition_of
    )


def children(schema: Schema, table: Table) -> list[Table]:
    """The tables that inherit from ``table`` (INHERITS, not partitions)."""
    return [t for t in schema.tables if table.qualified in t.inherits]


def in_hierarchy(schema: Schema, table: Table) -> bool:
    """Whether ``table`` has INHERITS parents or children in ``schema``."""
    return bool(table.inherits) or bool(children(schema, table))


class HierarchySteps(TriggerSteps):
    """INHERIT / NO INHERIT, partitions detached and attached, tables remade."""

    def _remade_tables(self, old: dict[str, Table], new: dict[str, Table]) -> set[str]:
        """The tables both sides have that are dropped and created again, with the
        partitions of those (dropped with them); foreign keys that point at them go
        first and come back."""
        found = {k for k in old.keys() & new.keys() if remade(old[k], new[k])}
        grew = True
        while grew:
            grew = False
            for key in old.keys() & new.keys():
                if key in found or not new[key].partition_of:
                    continue
                if set(parents_of(old[key], found)) & set(parents_of(new[key], found)):
                    found.add(key)
                    grew = True
        for other in self.current.tables if self.current else ():
            for fk in other.constraints:
                if fk.kind == "foreign key" and fk.references in found:
                    self.forced.add(("constraint", f"{other.qualified}.{fk.name}"))
        return found

    def _partition_steps(self, before: Table, after: Table) -> None:
        """DETACH before the parent's columns change (a partition leaving keeps the
        columns it has), ATTACH with the new bound once they have."""
        if (before.partition_of, before.partition_bound) == (
            after.partition_of,
            after.partition_bound,
        ):
            return
        name = ident(after.schema, after.name)
        if before.partition_of:
            self.add(
                "drop dependents",
                self._detach_sql(before),
                "table",
                after.qualified,
                "alter",
            )
        if after.partition_of:
            self.add(
                "keys",
                f"ALTER TABLE {after.partition_of} ATTACH PARTITION {name} {after.partition_bound}",
                "table",
                after.qualified,
                "alter",
            )

    def _detach_sql(self, table: Table) -> str:
        """DETACH PARTITION; where the parent has keys, checks or indexes, the copies the
        partition held of them (which DETACH leaves it as its own, under names the server
        chose) are dropped too: the table's own ones are then written as for any table."""
        name = ident(table.schema, table.name)
        detach = f"ALTER TABLE {table.partition_of} DETACH PARTITION {name}"
        source = self.current or self.source
        parent = next(
            (source.table(p) for p in parents_of(table, {t.qualified for t in source.tables})),
            None,
        )
        if parent is None or not (parent.indexes or parent.constraints):
            return detach
        oid = f"{literal(name)}::regclass"
        return (
            "DO $pgshift$ DECLARE cloned text[] := ARRAY("
            f"SELECT conname FROM pg_constraint WHERE conrelid = {oid} "
            "AND contype IN ('p', 'u', 'f', 'c', 'x') AND (conparentid <> 0 OR NOT conislocal)); "
            "indexes text[] := ARRAY(SELECT quote_ident(n.nspname) || '.' || "
            "quote_ident(c.relname) FROM pg_index x JOIN pg_inherits i ON i.inhrelid = "
            "x.indexrelid JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON "
            f"n.oid = c.relnamespace WHERE x.indrelid = {oid} AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid)); "
            f"item text; BEGIN {detach}; "
            "FOREACH item IN ARRAY cloned LOOP EXECUTE format('ALTER TABLE %s DROP "
            f"CONSTRAINT IF EXISTS %I', {literal(name)}, item); END LOOP; "
            "FOREACH item IN ARRAY indexes LOOP EXECUTE 'DROP INDEX IF EXISTS ' || item; "
            "END LOOP; END $pgshift$"
        )

    def _partition_columns(self, before: Table, after: Table) -> None:
        """A partition's own NOT NULL and default: what its parent's change leaves it
        (the parent's SET / DROP reach its partitions), made what the target wants."""
        source = self.current or self.source
        keys = {t.qualified for t in source.tables}
        was_parent = next((source.table(p) for p in parents_of(before, keys)), None)
        now_parent = self.target.table(after.partition_of or "")
        name = ident(after.schema, after.name)
        for column in after.columns:
            was = next((c for c in before.columns if c.name == column.name), None)
            if was is None or column.generated is not None:
                continue
            old = {c.name: c for c in was_parent.columns} if was_parent else {}
            new = {c.name: c for c in now_parent.columns} if now_parent else {}
            if column.name in old and column.name in new:
                if old[column.name].nullable != new[column.name].nullable:
                    was = replace(was, nullable=new[column.name].nullable)
                if old[column.name].default != new[column.name].default:
                    was = replace(was, default=new[column.name].default)
            alter = f"ALTER TABLE {name} ALTER COLUMN {quote(column.name)}"
            key = f"{after.qualified}.{column.name}"
            if was.default != column.default:
                verb = "DROP DEFAULT" if column.default is None else f"SET DEFAULT {column.default}"
                self.add("tables", f"{alter} {verb}", "column", key, "alter")
            if was.nullable != column.nullable:
                verb = "DROP NOT NULL" if column.nullable else "SET NOT NULL"
                self.add("tables", f"{alter} {verb}", "column", key, "alter")

    def _inherit_steps(self, before: Table, after: Table) -> None:
        """NO INHERIT first (the columns stay, as the table's own), INHERIT once the
        table has the columns and checks of its new parent."""
        name = ident(after.schema, after.name)
        for parent in before.inherits:
            if parent not in after.inherits:
                self.add(
                    "drop dependents",
                    f"ALTER TABLE {name} NO INHERIT {ident(*parent.split('.', 1))}",
                    "table",
                    after.qualified,
                    "alter",
                )
        for parent in after.inherits:
            if parent not in before.inherits:
                self.add(
                    "keys",
                    f"ALTER TABLE {name} INHERIT {ident(*parent.split('.', 1))}",
                    "table",
                    after.qualified,
                    "alter",
                )

    def _kept_parents(self, before: Table, after: Table) -> list[str]:
        """The INHERITS parents ``before`` and ``after`` share."""
        return [p for p in after.inherits if p in before.inherits]

    def _inherited_from_kept(self, before: Table, after: Table, column: str) -> bool:
        """Whether a kept parent has ``column`` on both sides: the parent's own changes
        to it (a new type, NOT NULL) reach the child, which must not write them."""
        for parent in self._kept_parents(before, after):
            was = self.current.table(parent) if self.current else None
            now = self.target.table(parent)
            if (
                was is not None
                and now is not None
                and any(c.name == column for c in was.columns)
                and any(c.name == column for c in now.columns)
            ):
                return True
        return False

    def _parent_adds(self, before: Table, after: Table, column: Column) -> bool:
        """Whether a column the child only inherits comes with its kept parent's ADD
        COLUMN (so the child writes nothing)."""
        if column.local:
            return False
        for parent in self._kept_parents(before, after):
            now = self.target.table(parent)
            if now is not None and any(c.name == column.name for c in now.columns):
                return True
        return False

    def _local_change(self, before: Table, after: Table, was: Column, column: Column) -> None:
        """A column made the table's own or only inherited: said when no step does it. It
        becomes the table's own when its parent drops it (``ONLY``) or is left (``NO
        INHERIT``); no statement makes a declared column only inherited."""
        if was.local == column.local:
            return
        if column.local and not self._inherited_from_kept(before, after, column.name):
            return
        detail = (
            "only inherited in the target, the table's own in the source: no statement "
            "undeclares a column (the table would have to be created again)"
            if not column.local
            else "the table's own in the target, only inherited in the source: the table "
            "would have to leave its parent (NO INHERIT) and inherit it again"
        )
        self.unwritten.append(
            Difference(
                "column",
                f"{after.qualified}.{column.name}",
                "changed",
                detail,
                column,
                was,
            )
        )

    def _only(self, table: Table) -> str:
        """``ONLY `` where a change must not reach the children: each child's own
        default and dropped column is written for it."""
        source = self.current or self.source
        hierarchy = in_hierarchy(source, table) or in_hierarchy(self.target, table)
        return "ONLY " if hierarchy and table.kind == "table" else ""
