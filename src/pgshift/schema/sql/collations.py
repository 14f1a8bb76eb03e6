"""Collations: made before the types and columns that use them, dropped once none does."""

from __future__ import annotations

from dataclasses import replace

from pgshift.errors import PgshiftError
from pgshift.schema.dump import collation_sql, ident
from pgshift.schema.model import Schema
from pgshift.schema.sql.shapes import by_key
from pgshift.schema.sql.steps import Steps


class CollationSteps(Steps):
    """CREATE and DROP COLLATION (a collation cannot be altered: it is made again)."""

    def _collations(self, source: Schema) -> None:
        old = {f"{c.schema}.{c.name}": c for c in source.collations}
        new = {f"{c.schema}.{c.name}": c for c in self.target.collations}
        for key in sorted(old.keys() - new.keys()):
            collation = old[key]
            self.add(
                "drop types",
                f"DROP COLLATION {ident(collation.schema, collation.name)}",
                "collation",
                key,
                "drop",
            )
        for key in sorted(new.keys() - old.keys()):
            self.add("create types", collation_sql(new[key]), "collation", key, "create")
        for key in sorted(old.keys() & new.keys()):
            before, after = old[key], new[key]
            # owner and comment are set in their own phases
            if replace(before, owner=None, comment=None) == replace(
                after, owner=None, comment=None
            ):
                continue
            users = self._columns_using(source, before.name)
            if users:
                raise PgshiftError(
                    f"collation {key}: its definition changes, which PostgreSQL cannot "
                    f"alter, and {', '.join(users[:3])} use it.",
                    "Make a collation of another name, move the columns to it, then drop "
                    "this one (three migrations, or write this one by hand).",
                )
            name = ident(after.schema, after.name)
            self.add("drop", f"DROP COLLATION {name}", "collation", key, "drop")
            self.add("create types", collation_sql(after), "collation", key, "create")

    @staticmethod
    def _columns_using(source: Schema, collation: str) -> list[str]:
        """The columns (``schema.table.column``) that use a collation of that name."""
        return [
            f"{table.qualified}.{column.name}"
            for table in by_key(source.tables).values()
            for column in table.columns
            if column.collation == collation
        ]
