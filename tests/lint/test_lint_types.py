"""Column type changes: what narrowing-type-change and change-column-type say, and what
PostgreSQL does (which changes fail on existing rows, which rewrite the table)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.known import ColumnType, Known, from_database
from pgshift.lint.model import Finding, Rule
from pgshift.lint.rules import change_column_type, narrowing_type_change
from pgshift.lint.rules.narrowing_type_change import SqlType, judge, new_type
from pgshift.migrations.discovery import sql_file
from pgshift.migrations.statements import parse_tree


def _lint(
    sql: str, rule: Rule, columns: dict[str, dict[str, ColumnType]] | None = None
) -> list[Finding]:
    known = Known(columns) if columns is not None else None
    return lint_migration(
        sql_file(Path("m.sql"), sql), LintOptions(rules=(rule,)), before=lambda: known
    )


def _messages(
    sql: str, rule: Rule, columns: dict[str, dict[str, ColumnType]] | None = None
) -> list[str]:
    return [f.message for f in _lint(sql, rule, columns)]


# --- narrowing-type-change ------------------------------------------------------------


def test_a_widening_of_a_known_column_is_no_narrowing() -> None:
    live = {
        "users": {"email": ("varchar", (100,)), "bio": ("varchar", (100,))},
        "orders": {"total": ("numeric", (10, 2)), "n": ("int4", ())},
    }
    for sql in (
        "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);",
        "ALTER TABLE users ALTER COLUMN email TYPE character varying(100);",
        "ALTER TABLE users ALTER COLUMN bio TYPE text;",
        "ALTER TABLE users ALTER COLUMN bio TYPE varchar;",
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);",
        "ALTER TABLE orders ALTER COLUMN total TYPE decimal(12,3);",
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric;",
        "ALTER TABLE orders ALTER COLUMN n TYPE bigint;",
        "ALTER TABLE orders ALTER COLUMN n TYPE numeric(10,0);",
    ):
        assert _messages(sql, narrowing_type_change.RULE, live) == [], sql


def test_the_message_names_both_types_as_sql_writes_them() -> None:
    live = {"users": {"email": ("varchar", (300,))}, "orders": {"total": ("numeric", (14, 4))}}
    (message,) = _messages(
        "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);", narrowing_type_change.RULE, live
    )
    assert "from varchar(300) to varchar(200)" in message
    assert "varchar(200,)" not in message
    assert "varchar(200) holds at most 200 characters, varchar(300) up to 300" in message
    (message,) = _messages(
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);",
        narrowing_type_change.RULE,
        live,
    )
    assert "from numeric(14,4) to numeric(12,2)" in message
    assert "numeric(12,2) rounds to 2 decimal places, numeric(14,4) keeps 4" in message


def test_an_unknown_old_type_is_judged_as_before_and_said() -> None:
    (message,) = _messages(
        "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);", narrowing_type_change.RULE
    )
    assert "to varchar(200) (lint does not know its current type" in message
    assert "varchar(200,)" not in message
    (message,) = _messages(
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);", narrowing_type_change.RULE
    )
    assert "numeric(12,2) holds at most 10 digits before the point" in message


def test_the_column_type_from_earlier_in_the_file() -> None:
    sql = (
        "ALTER TABLE users ADD COLUMN nick varchar(100);\n"
        "ALTER TABLE users ALTER COLUMN nick TYPE varchar(200);\n"
        "ALTER TABLE users ALTER COLUMN nick TYPE varchar(150);\n"
    )
    findings = _lint(sql, narrowing_type_change.RULE)
    assert [f.line for f in findings] == [3]
    assert "from varchar(200) to varchar(150)" in findings[0].message


@pytest.mark.parametrize(
    ("old", "new", "narrows"),
    [
        (("int4", ()), "smallint", True),
        (("int2", ()), "integer", False),
        (("serial", ()), "bigint", False),  # a serial column of an earlier file
        (("int8", ()), "int", True),
        (("bit", (5,)), "bit(10)", True),  # bit(n) takes exactly n bits
        (("bit", (5,)), "bit varying(10)", False),
        (("varbit", (5,)), "bit varying(3)", True),
        (("bpchar", (5,)), "varchar(5)", False),
        (("text", ()), "char(5)", True),
        (("timestamptz", ()), "timestamp", True),
        (("timestamp", (3,)), "timestamp(6)", False),
        (("timestamp", ()), "timestamp(3)", True),
        (("date", ()), "timestamp", False),
        (("float4", ()), "double precision", False),
        (("float8", ()), "real", True),
        (("_varchar", (10,)), "varchar(20)[]", False),  # the live name of an array type
        (("_int4", ()), "bigint[]", False),
    ],
)
def test_judgement_with_a_known_old_type(old: ColumnType, new: str, narrows: bool) -> None:
    sql = f"ALTER TABLE t ALTER COLUMN c TYPE {new};"
    assert bool(_messages(sql, narrowing_type_change.RULE, {"t": {"c": old}})) == narrows


def test_using_is_still_judged_as_changing_values() -> None:
    sql = "ALTER TABLE t ALTER COLUMN c TYPE varchar(200) USING upper(c);"
    (message,) = _messages(sql, narrowing_type_change.RULE, {"t": {"c": ("varchar", (100,))}})
    assert "USING expression" in message


# --- what PostgreSQL does: fails, keeps the values, rewrites ---------------------------

# (old type, an extreme value of it, new type, what happens): "widens" keeps every value
# (and the rewrite claim of change-column-type holds), "fails" fails on the value
CHANGES = [
    ("varchar(100)", "repeat('x', 100)", "varchar(200)", "widens"),
    ("varchar(100)", "repeat('x', 100)", "varchar", "widens"),
    ("varchar(100)", "repeat('x', 100)", "text", "widens"),
    ("text", "repeat('x', 300)", "varchar", "widens"),
    ("char(5)", "'abcde'", "char(10)", "widens"),
    ("char(5)", "'abcde'", "varchar(5)", "widens"),
    ("varchar(5)", "'abcde'", "char(10)", "widens"),
    ("numeric(10,2)", "-99999999.99", "numeric(12,2)", "widens"),
    ("numeric(10,2)", "-99999999.99", "numeric(12,3)", "widens"),
    ("numeric(10,2)", "-99999999.99", "numeric", "widens"),
    ("numeric(10)", "-9999999999", "numeric(12)", "widens"),
    ("integer", "-2147483648", "numeric(10,0)", "widens"),
    ("bigint", "-9223372036854775808", "numeric(19,0)", "widens"),
    ("smallint", "-32768", "integer", "widens"),
    ("integer", "-2147483648", "bigint", "widens"),
    ("integer", "2147483647", "double precision", "widens"),
    ("real", "3.4e38", "double precision", "widens"),
    ("bit varying(5)", "B'10101'", "bit varying(10)", "widens"),
    ("bit varying(5)", "B'10101'", "bit varying", "widens"),
    ("bit(5)", "B'10101'", "bit varying(5)", "widens"),
    ("bit(5)", "B'10101'", "bit varying", "widens"),
    ("timestamp(3)", "'2026-01-01 10:00:00.123'", "timestamp(6)", "widens"),
    ("timestamp(3)", "'2026-01-01 10:00:00.123'", "timestamp", "widens"),
    ("timestamptz(3)", "'2026-01-01 10:00:00.123+02'", "timestamptz(6)", "widens"),
    ("time(3)", "'10:00:00.123'", "time(6)", "widens"),
    ("timetz(3)", "'10:00:00.123+02'", "timetz(6)", "widens"),
    ("timestamp", "'2026-01-01 10:00:00.123456'", "timestamptz", "widens"),
    ("date", "'2026-01-01'", "timestamp", "widens"),
    ("integer[]", "'{-2147483648}'", "bigint[]", "widens"),
    ("varchar(10)[]", "'{abcdefghij}'", "varchar(20)[]", "widens"),
    ("varchar(10)[]", "'{abcdefghij}'", "text[]", "widens"),
    ("varchar(100)", "repeat('x', 80)", "varchar(50)", "fails"),
    ("text", "repeat('x', 80)", "varchar(50)", "fails"),
    ("text", "'abcdef'", "char(5)", "fails"),
    ("numeric(10,2)", "99999999.99", "numeric(9,2)", "fails"),
    ("numeric", "1e20", "numeric(12,2)", "fails"),
    ("integer", "2147483647", "numeric(9,0)", "fails"),
    ("bigint", "3000000000", "integer", "fails"),
    ("integer", "40000", "smallint", "fails"),
    ("bit(5)", "B'10101'", "bit(10)", "fails"),
    ("bit varying(5)", "B'10101'", "bit varying(3)", "fails"),
    ("double precision", "1e300", "real", "fails"),
]


@pytest.mark.parametrize(("old", "value", "new", "happens"), CHANGES, ids=lambda v: str(v))
def test_what_postgresql_does_with_a_type_change(
    db_url: str, old: str, value: str, new: str, happens: str
) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")  # change-column-type's timestamptz claim
        conn.execute(f"CREATE TABLE t (c {old}, was {old})".encode())
        conn.execute(f"INSERT INTO t SELECT v, v FROM (SELECT ({value})::{old} AS v) s".encode())
        known = from_database(conn).column_type("t", "c")
        assert known is not None
        sql = f"ALTER TABLE t ALTER COLUMN c TYPE {new}"
        cmd = parse_tree(sql)["cmds"][0]["AlterTableCmd"]
        kind = new_type(cmd["def"]["ColumnDef"])
        verdict = judge(kind, SqlType.known(known, kind.array))
        if happens == "fails":
            assert verdict is not None, f"{old} -> {new} fails on the server"
            assert verdict.fails, f"{old} -> {new} fails on the server: {verdict}"
            with pytest.raises(psycopg.DataError):
                conn.execute(sql.encode())
            return
        before = conn.execute("SELECT pg_relation_filenode('t')").fetchone()
        conn.execute(sql.encode())
        assert verdict is None, f"{old} -> {new} keeps every value: {verdict}"
        # (an array's elements by their text: there is no = between bigint[] and integer[])
        equal = "c::text = was::text" if kind.array else "c = was"
        same = conn.execute(f"SELECT bool_and({equal}) FROM t".encode()).fetchone()
        assert same == (True,), f"{old} -> {new} changed the value"
        after = conn.execute("SELECT pg_relation_filenode('t')").fetchone()
        claimed = change_column_type.rewrites(cmd, SqlType.known(known, kind.array))
        assert claimed == (before != after), f"{old} -> {new}: rewrite is {before != after}"


# --- change-column-type --------------------------------------------------------------


def test_a_widening_that_keeps_the_table_file_is_not_a_rewrite() -> None:
    live = {"users": {"email": ("varchar", (100,))}, "orders": {"total": ("numeric", (10, 2))}}
    for sql in (
        "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);",
        "ALTER TABLE users ALTER COLUMN email TYPE text;",
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);",
    ):
        assert _messages(sql, change_column_type.RULE, live) == [], sql
    (message,) = _messages(
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,3);", change_column_type.RULE, live
    )
    assert "from numeric(10,2) to numeric(12,3) rewrites the table" in message
