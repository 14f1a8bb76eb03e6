"""Tables and their columns: created, dropped, altered, attached to a partitioned table."""

from __future__ import annotations

from dataclasses import replace

from pgshift.schema.dump import (
    column_sql,
    create_table_sql,
    ident,
    inherited_columns_sql,
    literal,
    parents_of,
    quote,
    tables_in_order,
)
from pgshift.schema.model import Column, Schema, Sequence, Table
from pgshift.schema.sequence_sql import identity_sql, owned_sequence
from pgshift.schema.sql.casts import cast_path
from pgshift.schema.sql.hierarchy import HierarchySteps
from pgshift.schema.sql.shapes import by_key, named, narrows, table_kind, uses_column


class TableSteps(HierarchySteps):
    """Tables and their columns: created, dropped, altered, attached to a partitioned table."""

    def _enum_type(self, type_name: str) -> bool:
        """Whether ``type_name`` (as a column shows it) is an enum of either model."""
        if type_name.endswith("[]"):
            return False  # an array of labels: its own cast rules, left as they are
        for schema in (self.source, self.target):
            for enum in schema.enums:
                if type_name in (enum.name, f"{enum.schema}.{enum.name}", f'"{enum.name}"'):
                    return True
        return False

    def _tables(self, source: Schema) -> None:
        old = by_key(t for t in source.tables if t.kind not in ("view", "materialized view"))
        new = by_key(t for t in self.target.tables if t.kind not in ("view", "materialized view"))
        # made partitioned or plain, or with a new partition key: dropped and created
        remade = self._remade_tables(old, new)
        added = (new.keys() - old.keys()) | remade
        for table in tables_in_order(new[k] for k in added):  # parents first
            key = table.qualified
            self.add(
                "tables", create_table_sql(table, self.target.sequences), "table", key, "create"
            )
            # after the parents' own changes, which reach their partitions
            for line in inherited_columns_sql(self.target, table):
                self.add("keys", line, "table", key, "alter")
            self._table_extras(None, table)
        gone = (old.keys() - new.keys()) | remade
        # children before their parents
        for table in reversed(tables_in_order(old[k] for k in gone)):
            key = table.qualified
            if table.partition_of and parents_of(table, gone):
                continue  # dropped with its parent
            for c in table.constraints:
                if c.kind == "foreign key":
                    self._drop_constraint(table, c)
            self.add(
                "drop",
                f"DROP {table_kind(table)} {ident(table.schema, table.name)}",
                "table",
                key,
                "drop",
                destructive=table.kind != "foreign table",
            )
        kept = (old.keys() & new.keys()) - remade
        for table in tables_in_order(new[k] for k in kept):  # a parent's columns first
            was = old[table.qualified]
            if was == table and not self._touched(table.qualified):
                continue  # the same in both, and nothing done elsewhere reaches it
            self._table(was, table)

    def _table(self, before: Table, after: Table) -> None:
        name = ident(after.schema, after.name)
        key = after.qualified
        if before.unlogged != after.unlogged:
            logged = "UNLOGGED" if after.unlogged else "LOGGED"
            self.add("tables", f"ALTER TABLE {name} SET {logged}", "table", key, "alter")
        self._partition_steps(before, after)
        self._inherit_steps(before, after)
        if before.partition_of and after.partition_of:
            # a partition's columns are its parent's, but for its own defaults and NOT NULL
            self._partition_columns(before, after)
            self._table_extras(before, after)
            return
        old_columns = named(before.columns)
        new_columns = named(after.columns)
        for column in after.columns:
            if column.name not in old_columns and not self._parent_adds(before, after, column):
                self.add(
                    "tables",
                    f"ALTER TABLE {name} ADD COLUMN {self._column_sql(after, column)}",
                    "column",
                    f"{key}.{column.name}",
                    "create",
                )
        for column in before.columns:
            if column.name not in new_columns:
                self.add(
                    "drop",
                    # ONLY: a child keeps the column, as its own, or drops it itself
                    f"ALTER TABLE {self._only(before)}{name} DROP COLUMN {quote(column.name)}",
                    "column",
                    f"{key}.{column.name}",
                    "drop",
                    destructive=column.generated is None,
                )
        for column in after.columns:
            reset = (key, column.name) in self.reset_defaults
            if column.name in old_columns and (old_columns[column.name] != column or reset):
                was = old_columns[column.name]
                if (was.type, was.collation) != (column.type, column.collation):
                    # a policy over a column whose type changes must go and come back
                    for policy in before.policies:
                        if uses_column(f"{policy.using} {policy.check}", column.name):
                            self.forced.add(("policy", f"{key}.{policy.name}"))
                    for trigger in before.triggers:  # UPDATE OF the column, or WHEN on it
                        if uses_column(trigger.definition.partition(" EXECUTE ")[0], column.name):
                            self.forced.add(("trigger", f"{key}.{trigger.name}"))
                self._local_change(before, after, was, column)
                if self._inherited_from_kept(before, after, column.name):
                    # the parent's new type and NOT NULL reach the child by themselves
                    was = replace(was, type=column.type, collation=column.collation)
                self._column(after, was, column)
        self._table_extras(before, after)

    def _column(self, table: Table, before: Column, after: Column) -> None:
        name = ident(table.schema, table.name)
        key = f"{table.qualified}.{after.name}"
        alter = f"ALTER TABLE {name} ALTER COLUMN {quote(after.name)}"
        # a default of a parent or child is its own (CREATE TABLE ... INHERITS copies it)
        only_alter = f"ALTER TABLE {self._only(table)}{name} ALTER COLUMN {quote(after.name)}"
        if before.generated and not before.virtual and after.generated is None:
            if self.server_version is not None and self.server_version < 130000:
                # DROP EXPRESSION came with 13: before, nothing makes the column plain in
                # place, and a script that fails there is worse than one that says so
                # left to the differences said as not written, with the reason here
                self.notes.append(
                    f"{key}: a stored generated column made plain needs ALTER COLUMN ... "
                    "DROP EXPRESSION, which came with PostgreSQL 13; the server runs "
                    f"{self.server_version // 10000}"
                )
                return
            # a stored generated column made plain keeps the values it holds
            self.add("drop", f"{alter} DROP EXPRESSION", "column", key, "alter")
            before = replace(before, generated=None)
        if before.generated and before.virtual and after.generated is None:
            self._virtual_made_plain(table, after)
            return
        if before.generated != after.generated or before.virtual != after.virtual:
            # the values are derived: drop the column and add it again
            self.add(
                "drop",
                f"ALTER TABLE {name} DROP COLUMN {quote(before.name)}",
                "column",
                key,
                "drop",
                destructive=before.generated is None,
            )
            self.add(
                "tables",
                f"ALTER TABLE {name} ADD COLUMN {self._column_sql(table, after)}",
                "column",
                key,
                "create",
            )
            return
        retype = (before.type, before.collation) != (after.type, after.collation)
        gains_identity = bool(after.identity and not before.identity)
        # the old default goes first: it may use a function or sequence that is dropped,
        # or not fit the new type; the new one is set once the column is ready
        reset = (table.qualified, after.name) in self.reset_defaults
        old_default_goes = before.default is not None and (
            before.default != after.default or retype or gains_identity or reset
        )
        if old_default_goes:
            self.add("drop dependents", f"{only_alter} DROP DEFAULT", "column", key, "alter")
        if retype:
            collate = f" COLLATE {quote(after.collation)}" if after.collation else ""
            # an enum has no cast to another enum (nor from most types): through its label
            via = (
                "::text"
                if self._enum_type(before.type) or self._enum_type(after.type)
                else cast_path(key, before.type, after.type)
            )
            self.add(
                "tables",
                f"{alter} TYPE {after.type}{collate} USING {quote(after.name)}{via}::{after.type}",
                "column",
                key,
                "alter",
                destructive=narrows(before.type, after.type),
            )
        if not after.nullable and before.nullable:
            # before the identity is added: it wants the column NOT NULL
            self.add("tables", f"{alter} SET NOT NULL", "column", key, "alter")
        if before.identity != after.identity:
            sequence = owned_sequence(self.target.sequences, table.qualified, after.name)
            if before.identity and after.identity:
                verb = f"SET GENERATED {after.identity.upper()}"
            elif before.identity:
                verb = "DROP IDENTITY"
            else:
                verb = f"ADD {identity_sql(after, sequence)}"
            serial = self._serial_sequence(table, before) if gains_identity else None
            if serial is not None:
                # serial to identity: the identity's own sequence takes the serial's place
                self.add("drop", f"DROP SEQUENCE {serial}", "sequence", key, "drop")
            self.add("tables", f"{alter} {verb}", "column", key, "alter")
            if gains_identity and sequence is not None:
                self.add("tables", _past_values(name, after, sequence), "column", key, "alter")
        if after.default is not None and (after.default != before.default or old_default_goes):
            self.add("tables", f"{only_alter} SET DEFAULT {after.default}", "column", key, "alter")
        if after.nullable and not before.nullable:
            self.add("tables", f"{alter} DROP NOT NULL", "column", key, "alter")

    def _virtual_made_plain(self, table: Table, after: Column) -> None:
        """A VIRTUAL generated column made plain keeps its values: PostgreSQL cannot drop
        a virtual column's expression, so the values go to a new column that takes its
        place (and its name; it now stands last, which the diff says)."""
        name = ident(table.schema, table.name)
        key = f"{table.qualified}.{after.name}"
        copy = f"{after.name[:40]}_pgshift_plain"
        bare = replace(after, name=copy, nullable=True, default=None, identity=None)
        steps = [
            (f"ALTER TABLE {name} ADD COLUMN {column_sql(bare)}", "alter"),
            (f"UPDATE {name} SET {quote(copy)} = {quote(after.name)}", "alter"),
            (f"ALTER TABLE {name} DROP COLUMN {quote(after.name)}", "drop"),
            # the copy becomes the column: for what follows, it is made here
            (f"ALTER TABLE {name} RENAME COLUMN {quote(copy)} TO {quote(after.name)}", "create"),
        ]
        alter = f"ALTER TABLE {name} ALTER COLUMN {quote(after.name)}"
        if after.default is not None:
            steps.append((f"{alter} SET DEFAULT {after.default}", "alter"))
        if not after.nullable:
            steps.append((f"{alter} SET NOT NULL", "alter"))
        for sql, action in steps:
            self.add("tables", sql, "column", key, action)

    def _column_sql(self, table: Table, column: Column) -> str:
        """``column`` of ``table`` as ADD COLUMN writes it, an identity with its options."""
        return column_sql(
            column, owned_sequence(self.target.sequences, table.qualified, column.name)
        )

    def _serial_sequence(self, table: Table, column: Column) -> str | None:
        """The sequence a serial column owns, as SQL, if it has one."""
        owner = f"{table.qualified}.{column.name}"
        for seq in self.current.sequences if self.current else ():
            if seq.owned_by == owner:
                return ident(seq.schema, seq.name)
        return None


def _past_values(table: str, column: Column, seq: Sequence) -> str:
    """``setval`` of the sequence of ``column`` (of ``table``, quoted), newly an identity,
    to the first value beyond those the rows hold: a new sequence starts at its START,
    and would hand out the rows' values again (duplicate keys). Within the sequence's
    range, so the step never fails; computed in numeric, so a type's last value + 1
    does not overflow."""
    name = quote(column.name)
    if seq.increment > 0:
        beyond = f"coalesce(max({name})::numeric + 1, {seq.start})"
        first = f"greatest({seq.start}, least({seq.maximum}, {beyond}))"
    else:
        beyond = f"coalesce(min({name})::numeric - 1, {seq.start})"
        first = f"least({seq.start}, greatest({seq.minimum}, {beyond}))"
    return (
        f"SELECT setval(pg_get_serial_sequence({literal(table)}, {literal(column.name)}), "
        f"{first}::bigint, false) FROM {table}"
    )
