"""Tables, views and what they hold: columns, keys, indexes, triggers, policies."""

from __future__ import annotations

from dataclasses import replace

from pgshift.schema.dump import (
    column_sql,
    create_table_sql,
    ident,
    literal,
    policy_sql,
    quote,
    views_in_order,
)
from pgshift.schema.model import (
    Column,
    Constraint,
    Schema,
    Table,
)
from pgshift.schema.sql.shapes import (
    by_key,
    constraint_changed,
    constraint_shape,
    index_named,
    index_sql,
    mentions,
    named,
    narrows,
    policy_changed,
    table_kind,
    uses_column,
)
from pgshift.schema.sql.steps import Steps


class RelationSteps(Steps):
    """Tables, views and what they hold: columns, keys, indexes, triggers, policies."""

    def _views(self, source: Schema) -> None:
        old = by_key(t for t in source.tables if t.kind in ("view", "materialized view"))
        new = by_key(t for t in self.target.tables if t.kind in ("view", "materialized view"))
        changed_tables = self._tables_with_changed_columns(source)
        drop = set(old.keys() - new.keys())
        for key in old.keys() & new.keys():
            a, b = old[key], new[key]
            if (
                (a.kind, a.definition) != (b.kind, b.definition)
                or any(d in changed_tables for d in a.depends_on)
                or mentions(a.definition, self.dropped_names)
            ):
                drop.add(key)
        # a view reading a view that is dropped goes too
        grew = True
        while grew:
            grew = False
            for key, view in old.items():
                if key not in drop and any(d in drop for d in view.depends_on):
                    drop.add(key)
                    grew = True
        for view in reversed(views_in_order(list(old.values()))):
            if view.qualified in drop:
                self.add(
                    "drop dependents",
                    f"DROP {table_kind(view)} {ident(view.schema, view.name)}",
                    "view",
                    view.qualified,
                    "drop",
                )
        for view in views_in_order(list(new.values())):
            if view.qualified in drop or view.qualified not in old:
                self.recreated_views.add(view.qualified)
                kind = table_kind(view)
                body = (view.definition or "").strip().rstrip(";")
                self.add(
                    "views",
                    f"CREATE {kind} {ident(view.schema, view.name)} AS\n{body}",
                    "view",
                    view.qualified,
                    "create",
                )
                self._table_extras(None, view)
            else:
                self._table_extras(old[view.qualified], view)

    def _tables(self, source: Schema) -> None:
        old = by_key(t for t in source.tables if t.kind not in ("view", "materialized view"))
        new = by_key(t for t in self.target.tables if t.kind not in ("view", "materialized view"))
        added = sorted(new.keys() - old.keys(), key=lambda k: (new[k].partition_of is not None, k))
        for key in added:
            table = new[key]
            self.add("tables", create_table_sql(table), "table", key, "create")
            self._table_extras(None, table)
        gone = old.keys() - new.keys()
        for key in sorted(gone):
            table = old[key]
            parent = table.partition_of or ""
            if parent in gone or f"public.{parent}" in gone:
                continue  # dropped with its parent (regclass text omits a visible schema)
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
        for key in sorted(old.keys() & new.keys()):
            self._table(old[key], new[key])

    def _table(self, before: Table, after: Table) -> None:
        name = ident(after.schema, after.name)
        key = after.qualified
        if before.unlogged != after.unlogged:
            logged = "UNLOGGED" if after.unlogged else "LOGGED"
            self.add("tables", f"ALTER TABLE {name} SET {logged}", "table", key, "alter")
        if (before.partition_of, before.partition_bound) != (
            after.partition_of,
            after.partition_bound,
        ):
            if before.partition_of:
                self.add(
                    "tables",
                    f"ALTER TABLE {before.partition_of} DETACH PARTITION {name}",
                    "table",
                    key,
                    "alter",
                )
            if after.partition_of:
                self.add(
                    "keys",
                    f"ALTER TABLE {after.partition_of} ATTACH PARTITION {name} "
                    f"{after.partition_bound}",
                    "table",
                    key,
                    "alter",
                )
        if after.partition_of:
            # a partition's columns are its parent's
            self._table_extras(before, after)
            return
        old_columns = named(before.columns)
        new_columns = named(after.columns)
        for column in after.columns:
            if column.name not in old_columns:
                self.add(
                    "tables",
                    f"ALTER TABLE {name} ADD COLUMN {column_sql(column)}",
                    "column",
                    f"{key}.{column.name}",
                    "create",
                )
        for column in before.columns:
            if column.name not in new_columns:
                self.add(
                    "drop",
                    f"ALTER TABLE {name} DROP COLUMN {quote(column.name)}",
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
                self._column(after, was, column)
        self._table_extras(before, after)

    def _column(self, table: Table, before: Column, after: Column) -> None:
        name = ident(table.schema, table.name)
        key = f"{table.qualified}.{after.name}"
        alter = f"ALTER TABLE {name} ALTER COLUMN {quote(after.name)}"
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
                f"ALTER TABLE {name} ADD COLUMN {column_sql(after)}",
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
            self.add("drop dependents", f"{alter} DROP DEFAULT", "column", key, "alter")
        if retype:
            collate = f" COLLATE {quote(after.collation)}" if after.collation else ""
            self.add(
                "tables",
                f"{alter} TYPE {after.type}{collate} USING {quote(after.name)}::{after.type}",
                "column",
                key,
                "alter",
                destructive=narrows(before.type, after.type),
            )
        if before.identity != after.identity:
            if before.identity and after.identity:
                verb = f"SET GENERATED {after.identity.upper()}"
            elif before.identity:
                verb = "DROP IDENTITY"
            else:
                verb = f"ADD GENERATED {(after.identity or '').upper()} AS IDENTITY"
            serial = self._serial_sequence(table, before) if gains_identity else None
            if serial is not None:
                # serial to identity: the identity's own sequence takes the serial's place
                self.add("drop", f"DROP SEQUENCE {serial}", "sequence", key, "drop")
            self.add("tables", f"{alter} {verb}", "column", key, "alter")
            if serial is not None:
                column = quote(after.name)
                self.add(
                    "tables",
                    f"SELECT setval(pg_get_serial_sequence({literal(name)}, "
                    f"{literal(after.name)}), coalesce(max({column}), 0) + 1, false) FROM {name}",
                    "column",
                    key,
                    "alter",
                )
        if after.default is not None and (after.default != before.default or old_default_goes):
            self.add("tables", f"{alter} SET DEFAULT {after.default}", "column", key, "alter")
        if before.nullable != after.nullable:
            verb = "DROP NOT NULL" if after.nullable else "SET NOT NULL"
            self.add("tables", f"{alter} {verb}", "column", key, "alter")

    def _serial_sequence(self, table: Table, column: Column) -> str | None:
        """The sequence a serial column owns, as SQL, if it has one."""
        owner = f"{table.qualified}.{column.name}"
        for seq in self.current.sequences if self.current else ():
            if seq.owned_by == owner:
                return ident(seq.schema, seq.name)
        return None

    def _table_extras(self, before: Table | None, after: Table) -> None:
        """Constraints, indexes, triggers, row security and policies of one relation."""
        name = ident(after.schema, after.name)
        key = after.qualified
        if before is not None and after.kind not in ("view", "materialized view"):
            before = self._rename_objects(before, after)
        if not after.partition_of:
            self._constraints(before, after)
        if after.kind != "view" and not after.partition_of:
            self._indexes(before, after)
        recreated = key in self.recreated_views
        old_triggers = named(before.triggers) if before and not recreated else {}
        new_triggers = named(after.triggers)
        for trigger in before.triggers if before and not recreated else ():
            twin = new_triggers.get(trigger.name)
            if (
                twin is None
                or twin.definition != trigger.definition
                or self._forced("trigger", key, trigger.name)
            ):
                self.add(
                    "drop dependents",
                    f"DROP TRIGGER {quote(trigger.name)} ON {name}",
                    "trigger",
                    f"{key}.{trigger.name}",
                    "drop",
                )
        for trigger in after.triggers:
            twin = old_triggers.get(trigger.name)
            if (
                twin is None
                or twin.definition != trigger.definition
                or self._forced("trigger", key, trigger.name)
            ):
                self.add(
                    "triggers", trigger.definition, "trigger", f"{key}.{trigger.name}", "create"
                )
                twin = None
            if not trigger.enabled and (twin is None or twin.enabled):
                self.add(
                    "triggers",
                    f"ALTER TABLE {name} DISABLE TRIGGER {quote(trigger.name)}",
                    "trigger",
                    f"{key}.{trigger.name}",
                    "alter",
                )
            elif trigger.enabled and twin is not None and not twin.enabled:
                self.add(
                    "triggers",
                    f"ALTER TABLE {name} ENABLE TRIGGER {quote(trigger.name)}",
                    "trigger",
                    f"{key}.{trigger.name}",
                    "alter",
                )
        was = (
            (before.row_security, before.force_row_security)
            if before and not recreated
            else (False, False)
        )
        if after.row_security != was[0]:
            verb = "ENABLE" if after.row_security else "DISABLE"
            self.add(
                "triggers", f"ALTER TABLE {name} {verb} ROW LEVEL SECURITY", "table", key, "alter"
            )
        if after.force_row_security != was[1]:
            verb = "FORCE" if after.force_row_security else "NO FORCE"
            self.add(
                "triggers", f"ALTER TABLE {name} {verb} ROW LEVEL SECURITY", "table", key, "alter"
            )
        old_policies = named(before.policies) if before and not recreated else {}
        new_policies = named(after.policies)
        for policy in before.policies if before and not recreated else ():
            twin = new_policies.get(policy.name)
            if (
                twin is None
                or policy_changed(policy, twin)
                or self._forced("policy", key, policy.name)
            ):
                self.add(
                    "drop dependents",
                    f"DROP POLICY {quote(policy.name)} ON {name}",
                    "policy",
                    f"{key}.{policy.name}",
                    "drop",
                )
        for policy in after.policies:
            twin = old_policies.get(policy.name)
            if (
                twin is None
                or policy_changed(twin, policy)
                or self._forced("policy", key, policy.name)
            ):
                self.add(
                    "triggers",
                    policy_sql(policy, name),
                    "policy",
                    f"{key}.{policy.name}",
                    "create",
                )

    def _forced(self, kind: str, table: str, name: str) -> bool:
        return (kind, f"{table}.{name}") in self.forced

    def _constraints(self, before: Table | None, after: Table) -> None:
        key = after.qualified
        old_constraints = named(before.constraints) if before else {}
        new_constraints = named(after.constraints)
        for c in before.constraints if before else ():
            twin = new_constraints.get(c.name)
            if (
                twin is None
                or constraint_changed(c, twin)
                or self._forced("constraint", key, c.name)
            ):
                self._drop_constraint(after, c)
        for c in after.constraints:
            twin = old_constraints.get(c.name)
            if (
                twin is None
                or constraint_changed(twin, c)
                or self._forced("constraint", key, c.name)
                or f"{key}.{c.name}" in self.dropped_constraints
            ):
                self._add_constraint(after, c)
            elif twin.valid != c.valid and c.valid:
                self.add(
                    "foreign keys",
                    f"ALTER TABLE {ident(after.schema, after.name)} "
                    f"VALIDATE CONSTRAINT {quote(c.name)}",
                    "constraint",
                    f"{key}.{c.name}",
                    "alter",
                )

    def _add_constraint(self, table: Table, c: Constraint) -> None:
        key = f"{table.qualified}.{c.name}"
        if key in self.added_constraints:
            return
        self.added_constraints.add(key)
        valid = "" if c.valid or c.definition.endswith("NOT VALID") else " NOT VALID"
        self.add(
            "foreign keys" if c.kind == "foreign key" else "keys",
            f"ALTER TABLE {ident(table.schema, table.name)} ADD CONSTRAINT {quote(c.name)} "
            f"{c.definition}{valid}",
            "constraint",
            key,
            "create",
        )

    def _indexes(self, before: Table | None, after: Table) -> None:
        key = after.qualified
        # a materialized view's indexes come once it exists again
        phase = "views" if after.kind == "materialized view" else "indexes"
        recreated = key in self.recreated_views
        old_indexes = named(before.indexes) if before and not recreated else {}
        new_indexes = named(after.indexes)
        for index in before.indexes if before and not recreated else ():
            twin = new_indexes.get(index.name)
            if index.constraint is None and (
                twin is None
                or twin.definition != index.definition
                or self._forced("index", key, index.name)
            ):
                self.add(
                    "drop dependents",
                    f"DROP INDEX {ident(after.schema, index.name)}",
                    "index",
                    f"{key}.{index.name}",
                    "drop",
                )
        for index in after.indexes:
            twin = old_indexes.get(index.name)
            if index.constraint is None and (
                twin is None
                or twin.definition != index.definition
                or self._forced("index", key, index.name)
            ):
                self.add(
                    phase, index_sql(index.definition), "index", f"{key}.{index.name}", "create"
                )

    def _rename_objects(self, before: Table, after: Table) -> Table:
        """Constraints and indexes identical but for their names are renamed; ``before``
        is returned as it is once they are."""
        name = ident(after.schema, after.name)
        key = after.qualified
        old_names = {c.name for c in before.constraints}
        new_names = {c.name for c in after.constraints}
        lost = [c for c in before.constraints if c.name not in new_names]
        came = [c for c in after.constraints if c.name not in old_names]
        renamed: dict[str, str] = {}
        for c in lost:
            same = [x for x in came if constraint_shape(x) == constraint_shape(c)]
            twins = [y for y in lost if constraint_shape(y) == constraint_shape(c)]
            if len(same) == 1 and len(twins) == 1:
                renamed[c.name] = same[0].name
                came.remove(same[0])
                self.add(
                    "tables",
                    f"ALTER TABLE {name} RENAME CONSTRAINT {quote(c.name)} "
                    f"TO {quote(same[0].name)}",
                    "constraint",
                    f"{key}.{c.name}",
                    "rename",
                )
        indexes = []
        for index in before.indexes:
            if index.constraint in renamed:
                # the server renames a constraint's index with it
                new = renamed[index.constraint]
                index = replace(
                    index,
                    name=new,
                    constraint=new,
                    definition=index_named(index.definition, index.name, new),
                )
            indexes.append(index)
        old_index_names = {i.name for i in indexes}
        new_index_names = {i.name for i in after.indexes}
        came_indexes = [
            i for i in after.indexes if i.name not in old_index_names and i.constraint is None
        ]
        for position, index in enumerate(indexes):
            if index.name in new_index_names or index.constraint is not None:
                continue
            twin = [
                x
                for x in came_indexes
                if index_named(index.definition, index.name, x.name) == x.definition
            ]
            if len(twin) == 1:
                came_indexes.remove(twin[0])
                self.add(
                    "tables",
                    f"ALTER INDEX {ident(after.schema, index.name)} "
                    f"RENAME TO {quote(twin[0].name)}",
                    "index",
                    f"{key}.{index.name}",
                    "rename",
                )
                indexes[position] = replace(index, name=twin[0].name, definition=twin[0].definition)
        constraints = tuple(
            replace(c, name=renamed.get(c.name, c.name)) for c in before.constraints
        )
        return replace(before, constraints=constraints, indexes=tuple(indexes))

    def _drop_constraint(self, table: Table, c: Constraint) -> None:
        key = f"{table.qualified}.{c.name}"
        if key in self.dropped_constraints:
            return
        self.dropped_constraints.add(key)
        if c.kind in ("primary key", "unique") and self.current is not None:
            # foreign keys that point at its columns go first, and come back after
            for other in self.current.tables:
                for fk in other.constraints:
                    if (
                        fk.kind == "foreign key"
                        and fk.references in (table.qualified, table.name)
                        and set(fk.referenced_columns) == set(c.columns)
                    ):
                        self._drop_constraint(other, fk)
                        wanted = self.target.table(other.qualified)
                        again = (
                            next((x for x in wanted.constraints if x.name == fk.name), None)
                            if wanted
                            else None
                        )
                        if wanted is not None and again is not None:
                            self._add_constraint(wanted, again)
        self.add(
            "drop dependents",
            f"ALTER TABLE {ident(table.schema, table.name)} "
            f"DROP CONSTRAINT IF EXISTS {quote(c.name)}",
            "constraint",
            f"{table.qualified}.{c.name}",
            "drop",
        )
