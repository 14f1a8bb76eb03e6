"""A column's type change with no cast the values can trust is refused, naming the
column; the ways pgshift knows (through text, through integer) are written."""

from __future__ import annotations

import pytest

from pgshift.errors import PgshiftError
from pgshift.schema.model import Column, Schema, Table
from pgshift.schema.sql import diff_script
from pgshift.schema.sql.casts import cast_path


def _tables(before: str, after: str) -> tuple[Schema, Schema]:
    def table(type_name: str) -> Schema:
        columns = (Column("id", "integer"), Column("at", type_name))
        return Schema(tables=(Table("public", "events", "table", columns=columns),))

    return table(before), table(after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("bigint", "timestamp without time zone"),
        ("date", "integer"),
        ("uuid", "bigint"),
        ("numeric(10,2)", "boolean"),
        ("interval", "numeric"),
    ],
)
def test_a_change_without_a_cast_is_refused_naming_the_column(before: str, after: str) -> None:
    source, target = _tables(before, after)
    with pytest.raises(PgshiftError) as refused:
        diff_script(source, target, allow_destructive=True)
    assert "public.events.at" in refused.value.message
    assert f"from {before} to {after}" in refused.value.message
    assert "USING" in refused.value.hint


@pytest.mark.parametrize(
    ("before", "after", "via"),
    [
        ("integer", "bigint", ""),
        ("integer", "boolean", ""),
        ("jsonb", "integer", ""),
        ("text", "uuid", ""),
        ("timestamp(3) with time zone", "date", ""),
        ("bigint", "boolean", "::integer"),
        ("boolean", "smallint", "::integer"),
        ("integer", "jsonb", "::text"),
        ("json", "numeric(8,2)", "::text"),
        ("public.mood", "bigint", ""),  # not pgshift's to judge: the server's cast
    ],
)
def test_the_ways_pgshift_knows(before: str, after: str, via: str) -> None:
    assert cast_path("public.events.at", before, after) == via
