"""All the kinds of steps together, in their phases."""

from __future__ import annotations

from pgshift.schema.sql.collations import CollationSteps
from pgshift.schema.sql.order import dependency_order
from pgshift.schema.sql.relations import RelationSteps
from pgshift.schema.sql.renames import RenameSteps
from pgshift.schema.sql.routines import RoutineSteps
from pgshift.schema.sql.steps import PHASES, Step
from pgshift.schema.sql.types import TypeSteps


class Builder(RenameSteps, CollationSteps, TypeSteps, RelationSteps, RoutineSteps):
    """Makes every step from ``source`` to ``target``."""

    def build(self) -> list[Step]:
        if self.renames:
            self._find_renames()
        else:
            self._possible_renames()
        source = self._renamed(self.source)
        self.current = source
        self._collations(source)  # first: the types and columns made later use them
        self._enums(source)
        self._plan_routines(source)
        self._views(source)
        self._functions(source)
        self._tables(source)
        self._sequences(source)
        self._types(source)
        self._extensions(source)
        self._namespaces(source)
        self._grants(source)
        self._comments(source)
        if self.owners:
            self._owners(source)
        order = {phase: index for index, phase in enumerate(PHASES)}
        # stable: within a phase, the order the steps were made in
        phased = sorted(self.steps, key=lambda s: order[s.phase])
        return dependency_order(phased, self.source, self.target, self.table_renames)
