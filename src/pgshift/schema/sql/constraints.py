"""Constraints and indexes of a relation: added, dropped, validated, renamed in place."""

from __future__ import annotations

from dataclasses import replace

from pgshift.schema.dump import (
    cluster_sql,
    ident,
    index_statements,
    literal,
    partition_index_sql,
    quote,
    statistics_target_sql,
)
from pgshift.schema.model import Constraint, Index, Table
from pgshift.schema.sql.shapes import (
    constraint_changed,
    constraint_shape,
    index_named,
    named,
)
from pgshift.schema.sql.steps import Steps


class ConstraintSteps(Steps):
    """Constraints and indexes of a relation: added, dropped, validated, renamed in place."""

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
        definition = f"{c.definition}{valid}"
        if self._adopts(table, c):
            # the plain unique index of its name becomes the constraint's (CREATE would
            # clash with it): it is the same index, so nothing is built again
            kind = "PRIMARY KEY" if c.kind == "primary key" else "UNIQUE"
            timing = " INITIALLY DEFERRED" if c.deferred else ""
            deferrable = f" DEFERRABLE{timing}" if c.deferrable else ""
            definition = f"{kind} USING INDEX {quote(c.name)}{deferrable}"
        self.add(
            "foreign keys" if c.kind == "foreign key" else "keys",
            f"ALTER TABLE {ident(table.schema, table.name)} ADD CONSTRAINT {quote(c.name)} "
            f"{definition}",
            "constraint",
            key,
            "create",
        )

    def _adopts(self, table: Table, c: Constraint | None) -> bool:
        """Whether key or unique constraint ``c`` of ``table`` (as b has it) takes over a
        plain index of a that has its name and is the index it needs."""
        if c is None or c.kind not in ("primary key", "unique") or self.current is None:
            return False
        before = self.current.table(table.qualified)
        old = named(before.indexes).get(c.name) if before else None
        new = named(table.indexes).get(c.name)
        return (
            old is not None
            and new is not None
            and old.constraint is None
            and old.definition == new.definition
            and not self._forced("index", table.qualified, old.name)
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
                # a constraint of its name comes: it goes unless the constraint adopts it
                or (
                    twin.constraint is not None
                    and not self._adopts(after, named(after.constraints).get(twin.constraint))
                )
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
                or twin.constraint is not None  # it goes with its constraint
            ):
                for sql in index_statements(after, index):
                    self.add(phase, sql, "index", f"{key}.{index.name}", "create")
            elif index.constraint is None and twin is not None and twin.attached != index.attached:
                self._attached(after, index, twin)

    def _attached(self, table: Table, index: Index, before: Index) -> None:
        """A partitioned table's index whose partitions' indexes changed name, or gained
        one: renamed in place, or made and attached."""
        key = f"{table.qualified}.{index.name}"
        was = dict(before.attached)
        made = {s.name for s in self.steps if s.kind == "table" and s.action == "create"}
        for partition, child in index.attached:
            schema = partition.split(".", 1)[0]
            old = was.get(partition)
            if old is None and partition in made:
                # PARTITION OF made its index, by a name of the server's choosing
                self.add("indexes", _rename_attached_sql(table, index, partition, child),
                         "index", key, "alter")  # fmt: skip
            elif old is None:
                self.add("indexes", partition_index_sql(table, index, partition, child),
                         "index", key, "alter")  # fmt: skip
                self.add("indexes", f"ALTER INDEX {ident(table.schema, index.name)} ATTACH "
                         f"PARTITION {ident(schema, child)}", "index", key, "alter")  # fmt: skip
            elif old != child:
                self.add("indexes", f"ALTER INDEX {ident(schema, old)} RENAME TO {quote(child)}",
                         "index", key, "alter")  # fmt: skip

    def _statistics(self, before: Table | None, after: Table) -> None:
        """Extended statistics: dropped and created again when their definition changes
        (ALTER STATISTICS changes only the target), the target set in place."""
        key = after.qualified
        recreated = key in self.recreated_views
        old = named(before.statistics) if before and not recreated else {}
        new = named(after.statistics)
        for stat in old.values():
            twin = new.get(stat.name)
            if twin is None or twin.definition != stat.definition:
                self.add(
                    "drop dependents",
                    f"DROP STATISTICS {ident(stat.schema, stat.name)}",
                    "statistics",
                    f"{key}.{stat.name}",
                    "drop",
                )
        phase = "views" if after.kind == "materialized view" else "indexes"
        for stat in new.values():
            twin = old.get(stat.name)
            made = twin is None or twin.definition != stat.definition
            if made:
                self.add(phase, stat.definition, "statistics", f"{key}.{stat.name}", "create")
            if stat.target != (None if made else twin.target if twin else None):
                sql = statistics_target_sql(stat)
                self.add(phase, sql, "statistics", f"{key}.{stat.name}", "alter")

    def _cluster(self, before: Table | None, after: Table) -> None:
        """The index CLUSTER uses: marked again when it changes, or when its index is
        dropped and created (a new index is not marked)."""
        was = next((i.name for i in before.indexes if i.clustered), None) if before else None
        wanted = next((i.name for i in after.indexes if i.clustered), None)
        if was is None and wanted is None:
            return
        remade = {
            s.name
            for s in self.steps
            if s.kind in ("index", "constraint", "table") and s.action in ("drop", "create")
        }
        key = after.qualified
        if was is not None and (f"{key}.{was}" in remade or key in remade):
            was = None  # its index (or table) is made again, unmarked
        if wanted == was:
            return
        name = ident(after.schema, after.name)
        if wanted is None:
            self.add("indexes", f"ALTER TABLE {name} SET WITHOUT CLUSTER", "table", key, "alter")
        else:
            (sql,) = cluster_sql(after)
            self.add("indexes", sql, "table", key, "alter")

    def _rename_objects(self, before: Table, after: Table) -> Table:
        """Constraints and indexes identical but for their names are renamed; ``before``
        is returned as it is once they are."""
        key = after.qualified
        old_names = {c.name for c in before.constraints}
        new_names = {c.name for c in after.constraints}
        lost = [c for c in before.constraints if c.name not in new_names]
        came = [c for c in after.constraints if c.name not in old_names]
        old_index_names = {i.name for i in before.indexes}
        new_index_names = {i.name for i in after.indexes}
        if (not lost or not came) and old_index_names <= new_index_names:
            return before  # no name went away that another could have taken: nothing renamed
        name = ident(after.schema, after.name)
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


def _rename_attached_sql(table: Table, index: Index, partition: str, child: str) -> str:
    """A DO block that gives the index a new partition got for ``index`` the name
    ``child`` (the server chose its name when the partition was made)."""
    parent = literal(ident(table.schema, index.name))
    part = literal(ident(*partition.split(".", 1)))
    return (
        "DO $pgshift$\nDECLARE found text;\nBEGIN\n"
        "  SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) INTO found\n"
        "  FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid\n"
        "  JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace\n"
        f"  WHERE i.inhparent = {parent}::regclass AND x.indrelid = {part}::regclass\n"
        f"    AND c.relname <> {literal(child)};\n"
        "  IF found IS NOT NULL THEN\n"
        f"    EXECUTE format('ALTER INDEX %s RENAME TO %I', found, {literal(child)});\n"
        "  END IF;\nEND\n$pgshift$"
    )
