"""Tables, columns and sequences renamed rather than dropped and added."""

from __future__ import annotations

from dataclasses import replace

from pgshift.schema.dump import (
    ident,
    quote,
)
from pgshift.schema.model import (
    Schema,
)
from pgshift.schema.sql.hierarchy import parent_remade
from pgshift.schema.sql.shapes import (
    Renamer,
    by_key,
    named,
    references,
    same_column,
    same_shape,
    sequence_shape,
)
from pgshift.schema.sql.steps import Steps


class RenameSteps(Steps):
    """Tables, columns and sequences renamed rather than dropped and added."""

    def _find_renames(self) -> None:
        old = by_key(t for t in self.source.tables if t.kind in ("table", "partitioned table"))
        new = by_key(t for t in self.target.tables if t.kind in ("table", "partitioned table"))
        # a partition of a table dropped and created again goes with it: no rename
        gone = [old[k] for k in old.keys() - new.keys() if not parent_remade(old[k], old, new)]
        came = [new[k] for k in new.keys() - old.keys()]
        for table in gone:
            same = [t for t in came if t.schema == table.schema and same_shape(table, t)]
            if len(same) == 1 and sum(same_shape(o, same[0]) for o in gone) == 1:
                self.table_renames[table.qualified] = same[0].qualified
                came.remove(same[0])
            elif same:  # two or more could be its new name: a guess could move rows wrongly
                names = " or ".join(t.qualified for t in same)
                self.notes.append(
                    f"table {table.qualified} is dropped and {names} created, though each "
                    "is identical to it but for its name: if one is it renamed, write "
                    "ALTER TABLE ... RENAME TO by hand, or the rows are lost"
                )
        for key, table in old.items():
            other = new.get(self.table_renames.get(key, key))
            if other is None:
                continue
            before = named(table.columns)
            after = named(other.columns)
            lost = [before[n] for n in before.keys() - after.keys()]
            added = [after[n] for n in after.keys() - before.keys()]
            for column in lost:
                same = [c for c in added if same_column(column, c)]
                twins = [c for c in lost if same_column(c, same[0])] if len(same) == 1 else []
                if len(same) == 1 and len(twins) == 1:
                    self.column_renames[(key, column.name)] = same[0].name
                    added.remove(same[0])
                elif same:
                    names = " or ".join(c.name for c in same)
                    self.notes.append(
                        f"column {key}.{column.name} is dropped and {names} added, though "
                        "each is like it but for its name: if one is it renamed, write "
                        "ALTER TABLE ... RENAME COLUMN by hand, or its values are lost"
                    )
        old_sequences = by_key(self.source.sequences)
        new_sequences = by_key(self.target.sequences)
        came_sequences = [new_sequences[k] for k in new_sequences.keys() - old_sequences.keys()]
        for key in sorted(old_sequences.keys() - new_sequences.keys()):
            seq = old_sequences[key]
            owner = self._owned(seq.owned_by) if seq.owned_by else None
            same = [
                x
                for x in came_sequences
                if x.schema == seq.schema
                and sequence_shape(x) == sequence_shape(seq)
                and x.owned_by == owner
            ]
            if len(same) == 1:
                self.sequence_renames[key] = f"{same[0].schema}.{same[0].name}"
                came_sequences.remove(same[0])

    def _possible_renames(self) -> None:
        """With renames off: the renames that would have been made, said as notes."""
        self._find_renames()
        for old, new in sorted(self.table_renames.items()):
            self.notes.append(
                f"table {old} is dropped and {new} created, identical to it but for its "
                "name: without --no-renames it is renamed and keeps its rows"
            )
        for (table, old), new in sorted(self.column_renames.items()):
            self.notes.append(
                f"column {table}.{old} is dropped and {new} added, like it but for its "
                "name: without --no-renames it is renamed and keeps its values"
            )
        self.table_renames.clear()
        self.column_renames.clear()
        self.sequence_renames.clear()

    def _renamed(self, source: Schema) -> Schema:
        """``source`` as it is once the renames have run (each emitted here)."""
        if not self.table_renames and not self.column_renames and not self.sequence_renames:
            return source
        for old, new in sorted(self.sequence_renames.items()):
            schema_name, _, bare = old.partition(".")
            self.add(
                "tables",
                f"ALTER SEQUENCE {ident(schema_name, bare)} "
                f"RENAME TO {quote(new.partition('.')[2])}",
                "sequence",
                old,
                "rename",
            )
        for (owner, old), new in sorted(self.column_renames.items()):
            schema_name, _, bare = owner.partition(".")
            self.add(
                "tables",
                f"ALTER TABLE {ident(schema_name, bare)} RENAME COLUMN {quote(old)} TO "
                f"{quote(new)}",
                "column",
                f"{owner}.{old}",
                "rename",
            )
        for old, new in sorted(self.table_renames.items()):
            schema_name, _, bare = old.partition(".")
            self.add(
                "tables",
                f"ALTER TABLE {ident(schema_name, bare)} RENAME TO {quote(new.partition('.')[2])}",
                "table",
                old,
                "rename",
            )
        tables = []
        for table in source.tables:
            renamed_columns = {
                old: new for (t, old), new in self.column_renames.items() if t == table.qualified
            }
            columns = tuple(
                replace(
                    c,
                    name=renamed_columns.get(c.name, c.name),
                    default=self._sequence_default(c.default),
                )
                for c in table.columns
            )
            text = Renamer(self.table_renames, renamed_columns, table)
            table = replace(
                table,
                columns=columns,
                constraints=tuple(
                    replace(
                        c,
                        definition=text(c.definition),
                        columns=tuple(renamed_columns.get(x, x) for x in c.columns),
                        references=self.table_renames.get(c.references or "", c.references),
                    )
                    for c in table.constraints
                ),
                indexes=tuple(replace(i, definition=text(i.definition)) for i in table.indexes),
                # a view follows a renamed table (by OID), whatever its text says
                depends_on=tuple(self.table_renames.get(d, d) for d in table.depends_on),
            )
            new_name = self.table_renames.get(table.qualified)
            if new_name:
                table = replace(table, name=new_name.partition(".")[2])
            tables.append(table)
        # foreign keys of other tables that reference a renamed column
        for index, table in enumerate(tables):
            constraints = []
            for c in table.constraints:
                if c.kind == "foreign key" and c.references:
                    original = next(
                        (o for o, n in self.table_renames.items() if n == c.references),
                        c.references,
                    )
                    moved = {
                        old: new for (t, old), new in self.column_renames.items() if t == original
                    }
                    if moved:
                        c = replace(
                            c,
                            definition=references(c.definition, moved),
                            referenced_columns=tuple(moved.get(x, x) for x in c.referenced_columns),
                        )
                constraints.append(c)
            tables[index] = replace(table, constraints=tuple(constraints))
        sequences = tuple(
            replace(
                s,
                name=self.sequence_renames.get(f"{s.schema}.{s.name}", f".{s.name}").partition(".")[
                    2
                ],
                owned_by=self._owned(s.owned_by) if s.owned_by else None,
            )
            for s in source.sequences
        )
        return replace(source, tables=tuple(tables), sequences=sequences)

    def _sequence_default(self, default: str | None) -> str | None:
        """``nextval('old'::regclass)`` as the server prints it once ``old`` is renamed."""
        if default is None:
            return None
        for old, new in self.sequence_renames.items():
            schema, _, bare = old.partition(".")
            new_bare = new.partition(".")[2]
            for shown, replaced in (
                (ident(schema, bare), ident(schema, new_bare)),
                (quote(bare), quote(new_bare)),
            ):
                default = default.replace(f"'{shown}'::regclass", f"'{replaced}'::regclass")
        return default

    def _owned(self, owned_by: str) -> str:
        table, _, column = owned_by.rpartition(".")
        column = self.column_renames.get((table, column), column)
        return f"{self.table_renames.get(table, table)}.{column}"
