"""A column's settings beside its shape: the planner's statistics target and the
compression of its large values, set in place (neither rewrites the table)."""

from __future__ import annotations

from pgshift.schema.dump import column_statistics_sql, ident, quote
from pgshift.schema.model import Table
from pgshift.schema.sql.shapes import named
from pgshift.schema.sql.steps import Steps


class ColumnSettingSteps(Steps):
    """SET STATISTICS and SET COMPRESSION of the columns of one table."""

    def _column_settings(self, before: Table | None, after: Table) -> None:
        if after.kind in ("view",):
            return
        old = named(before.columns) if before else {}
        key = after.qualified
        name = ident(after.schema, after.name)
        for column in after.columns:
            was = old.get(column.name)
            # a column made here (CREATE TABLE, ADD COLUMN) starts at the defaults; its
            # compression is written with it
            made = was is None or self._made(f"{key}.{column.name}")
            start = None if made or was is None else was.statistics
            if column.statistics != start:
                sql = column_statistics_sql(after, column)
                self.add("tables", sql, "column", f"{key}.{column.name}", "alter")
            if not made and was is not None and was.compression != column.compression:
                method = column.compression or "DEFAULT"
                self.add(
                    "tables",
                    f"ALTER TABLE {name} ALTER COLUMN {quote(column.name)} "
                    f"SET COMPRESSION {method}",
                    "column",
                    f"{key}.{column.name}",
                    "alter",
                )

    def _made(self, column: str) -> bool:
        """Whether a step adds the column (again), or makes its table."""
        table = column.rpartition(".")[0]
        return ("column", column) in self.created or table in self.created_names
