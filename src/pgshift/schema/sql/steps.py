"""The steps of a diff as they are made, and the phases they run in."""

from __future__ import annotations

from dataclasses import dataclass, field

from pgshift.schema.compare import Difference
from pgshift.schema.model import (
    Schema,
)
from pgshift.schema.sql.shapes import by_key, named

# The phases, in the order their steps run.
PHASES = (
    "drop dependents",  # views, triggers, policies, keys, indexes and defaults being replaced
    "drop",  # columns, tables, sequences
    "drop routines",  # functions, once nothing uses them
    "schemas",
    "extensions",
    "create types",  # enums, domains, composite types, sequences
    "functions",  # functions that need no table
    "tables",  # renames, new tables, columns
    "keys",  # primary keys, unique, check and exclusion constraints
    "foreign keys",
    "indexes",
    "late functions",  # functions that take or return a table's rows
    "views",  # and the indexes of materialized views
    "triggers",  # and row security and policies
    "drop types",  # enums, domains, composite types no column uses any more
    "drop schemas",  # extensions, then schemas, once empty
    "grants",
    "comments",
    "owners",
)


@dataclass(frozen=True, slots=True)
class Step:
    """One statement of the change, and what it does."""

    sql: str
    kind: str  # "table", "column", "index", ...
    name: str  # qualified
    action: str  # "create", "drop", "alter", "rename", "replace", "grant", "revoke", "comment"
    phase: str
    destructive: bool = False  # loses data (a table, a column, enum labels, a sequence's place)
    transactional: bool = True  # False: must run outside a transaction block


@dataclass
class Steps:
    """The state of one diff: the two models, what is renamed or recreated, the steps."""

    source: Schema
    target: Schema
    renames: bool
    owners: bool
    # the version of the server the script will run on, when known (160004: 16.4)
    server_version: int | None = None
    steps: list[Step] = field(default_factory=list)
    # what is dropped and created again (views, functions): never altered in between
    recreated_views: set[str] = field(default_factory=set)
    recreated_functions: set[str] = field(default_factory=set)
    # table renames old -> new, column renames (table, old) -> new
    table_renames: dict[str, str] = field(default_factory=dict)
    column_renames: dict[tuple[str, str], str] = field(default_factory=dict)
    sequence_renames: dict[str, str] = field(default_factory=dict)
    # tables whose columns change type in place (an enum recreated): their views go too
    retyped_tables: set[str] = field(default_factory=set)
    # functions dropped and created again, by name: what uses them goes and comes back
    dropped_names: set[str] = field(default_factory=set)
    # objects to drop and create again although they did not change, as (kind, key)
    forced: set[tuple[str, str]] = field(default_factory=set)
    # columns whose default goes and comes back (it uses a function dropped and created)
    reset_defaults: set[tuple[str, str]] = field(default_factory=set)
    # constraints already dropped / added, by key, so dependents are not done twice
    dropped_constraints: set[str] = field(default_factory=set)
    added_constraints: set[str] = field(default_factory=set)
    dropped_functions: set[str] = field(default_factory=set)  # by signature
    # the source as renamed: what other tables' foreign keys point at
    current: Schema | None = None
    # (kind, name) of objects the steps drop and create again, once the steps are made
    _remade: set[tuple[str, str]] | None = None
    # differences no step can write, said in the script rather than left out
    unwritten: list[Difference] = field(default_factory=list)
    # what the reader should know of the script: a rename that was possible, not made
    notes: list[str] = field(default_factory=list)
    # what the "create" steps so far make, as (kind, name) and as names of any kind:
    # asked once per column of every table
    created: set[tuple[str, str]] = field(default_factory=set)
    created_names: set[str] = field(default_factory=set)
    # every dotted prefix of a name some step or some set above holds, and how far
    # the steps and sets were read into it (see ``_touched``)
    _touched_names: set[str] = field(default_factory=set)
    _touched_read: tuple[int, ...] = ()

    def add(
        self,
        phase: str,
        sql: str,
        kind: str,
        name: str,
        action: str,
        *,
        destructive: bool = False,
        transactional: bool = True,
    ) -> None:
        self.steps.append(
            Step(sql, kind, name, action, phase, destructive, transactional),
        )
        if action == "create":
            self.created.add((kind, name))
            self.created_names.add(name)

    def _tables_with_changed_columns(self, source: Schema) -> set[str]:
        """Tables a view must be recreated over: a column's type changes or goes away."""
        new = by_key(self.target.tables)
        changed = set(self.retyped_tables)
        for table in source.tables:
            other = new.get(table.qualified)
            if other is None:
                changed.add(table.qualified)
                continue
            if (table.kind, table.partition_key) != (other.kind, other.partition_key):
                changed.add(table.qualified)  # dropped and created again
            after = named(other.columns)
            for column in table.columns:
                twin = after.get(column.name)
                if twin is None or (twin.type, twin.collation) != (column.type, column.collation):
                    changed.add(table.qualified)
        return changed

    def _touched(self, table: str) -> bool:
        """Whether something of ``table`` (``schema.name``) is already in the steps, or
        marked to go and come back: a table equal in both models is passed over only
        when it is not. Read on demand and incrementally, so a diff of 1,000 tables
        with a few changes does not walk 1,000 tables' columns, constraints and
        indexes to find nothing."""
        read = (
            len(self.steps),
            len(self.forced),
            len(self.reset_defaults),
            len(self.dropped_constraints),
            len(self.added_constraints),
            len(self.retyped_tables),
        )
        if read != self._touched_read:
            start = self._touched_read[0] if self._touched_read else 0
            names = [s.name for s in self.steps[start:]]
            # the sets are read whole: they stay small, and only grow
            names.extend(name for _, name in self.forced)
            names.extend(name for name, _ in self.reset_defaults)
            names.extend(self.dropped_constraints)
            names.extend(self.added_constraints)
            names.extend(self.retyped_tables)
            for name in names:
                # a name may hold dots of its own: every prefix, at every dot
                parts = name.split(".")
                for end in range(1, len(parts) + 1):
                    self._touched_names.add(".".join(parts[:end]))
            self._touched_read = read
        return table in self._touched_names
