"""compare(): two schema models, object by object (no server needed)."""

from __future__ import annotations

from dataclasses import replace

from pgshift.schema.compare import compare
from pgshift.schema.model import (
    Column,
    CompositeType,
    Constraint,
    EnumType,
    Extension,
    Function,
    Grant,
    Index,
    Namespace,
    Schema,
    Table,
)

USERS = Table(
    schema="public",
    name="users",
    kind="table",
    owner="app",
    columns=(
        Column("id", "bigint", nullable=False, identity="always"),
        Column("email", "text", nullable=False),
    ),
    constraints=(Constraint("users_pkey", "primary key", "PRIMARY KEY (id)", ("id",)),),
    indexes=(
        Index(
            "users_pkey",
            "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
            "btree",
            ("id",),
            unique=True,
            primary=True,
            constraint="users_pkey",
        ),
        Index(
            "users_email_idx",
            "CREATE INDEX users_email_idx ON public.users USING btree (email)",
            "btree",
            ("email",),
        ),
    ),
    grants=(Grant("reader", "SELECT"),),
)
BASE = Schema(
    schemas=(Namespace("public", owner="pg_database_owner", comment="standard public schema"),),
    tables=(USERS,),
    enums=(EnumType("public", "mood", ("sad", "ok")),),
    functions=(
        Function("public", "f", "x integer", "function", "integer", "sql", "immutable", "SELECT 1"),
    ),
    extensions=(Extension("plpgsql", "pg_catalog", "1.0"),),
)


def with_users(schema: Schema, **changes: object) -> Schema:
    return replace(schema, tables=(replace(USERS, **changes),))


def lines(expected: Schema, actual: Schema, **kw: bool) -> list[str]:
    return [d.describe("migrations", "database") for d in compare(expected, actual, **kw)]


def test_equal_models_have_no_difference() -> None:
    assert compare(BASE, BASE) == ()
    assert compare(Schema(), Schema()) == ()


def test_a_column_added_by_hand_is_extra() -> None:
    live = with_users(BASE, columns=(*USERS.columns, Column("nickname", "text")))
    found = compare(BASE, live)
    assert [(d.kind, d.name, d.change) for d in found] == [
        ("column", "public.users.nickname", "extra")
    ]
    assert found[0].actual == Column("nickname", "text")
    assert lines(BASE, live) == ["column public.users.nickname: in database, not in migrations"]


def test_an_index_dropped_by_hand_is_missing() -> None:
    live = with_users(BASE, indexes=USERS.indexes[:1])
    assert lines(BASE, live) == [
        "index public.users.users_email_idx: in migrations, not in database"
    ]


def test_a_changed_column_names_each_field() -> None:
    changed = (USERS.columns[0], Column("email", "character varying(100)", nullable=True))
    live = with_users(BASE, columns=changed)
    found = compare(BASE, live)
    assert len(found) == 1
    assert found[0].change == "changed"
    assert found[0].detail == "type: text -> character varying(100); nullable: no -> yes"


def test_an_index_definition_is_reported_once() -> None:
    other = replace(
        USERS.indexes[1],
        definition="CREATE INDEX users_email_idx ON public.users USING hash (email)",
        method="hash",
    )
    found = compare(BASE, with_users(BASE, indexes=(USERS.indexes[0], other)))
    assert len(found) == 1
    assert found[0].detail.startswith("definition: CREATE INDEX")
    assert "method" not in found[0].detail


def test_owners_are_compared_only_when_asked() -> None:
    live = with_users(BASE, owner="postgres")
    assert compare(BASE, live) == ()
    assert lines(BASE, live, owners=True) == ["table public.users: owner: app -> postgres"]


def test_grants_are_compared_one_by_one() -> None:
    live = with_users(BASE, grants=(Grant("reader", "SELECT"), Grant("writer", "INSERT", True)))
    assert lines(BASE, live) == [
        "grant INSERT on public.users to writer WITH GRANT OPTION: in database, not in migrations"
    ]
    revoked = with_users(BASE, grants=())
    assert [d.change for d in compare(BASE, revoked)] == ["missing"]


def test_the_public_schema_owner_and_grants_are_not_compared_its_comment_is() -> None:
    (public,) = BASE.schemas
    live = replace(
        BASE,
        schemas=(replace(public, owner="postgres", grants=(Grant("PUBLIC", "CREATE"),)),),
    )
    assert compare(BASE, live) == ()
    described = replace(BASE, schemas=(replace(public, comment="the application"),))
    assert lines(BASE, described) == [
        f"schema public: comment: {public.comment} -> the application"
    ]
    other = replace(BASE, schemas=(*BASE.schemas, Namespace("billing", comment="money")))
    assert lines(BASE, other) == ["schema billing: in database, not in migrations"]
    commented = replace(other, schemas=(*BASE.schemas, Namespace("billing", comment="cash")))
    assert lines(other, commented) == ["schema billing: comment: money -> cash"]


def test_enum_labels_functions_and_extensions() -> None:
    live = replace(
        BASE,
        enums=(EnumType("public", "mood", ("sad", "ok", "glad")),),
        functions=(replace(BASE.functions[0], definition="SELECT 2"),),
        extensions=(Extension("plpgsql", "pg_catalog", "1.1"),),
    )
    assert lines(BASE, live) == [
        "enum public.mood: labels: (sad, ok) -> (sad, ok, glad)",
        "function public.f(x integer): definition: SELECT 1 -> SELECT 2",
        "extension plpgsql: version: 1.0 -> 1.1",
    ]


def test_an_overload_is_a_function_of_its_own() -> None:
    overload = replace(BASE.functions[0], arguments="x bigint")
    live = replace(BASE, functions=(*BASE.functions, overload))
    assert lines(BASE, live) == ["function public.f(x bigint): in database, not in migrations"]


def test_a_missing_table_is_one_difference_not_one_per_column() -> None:
    found = compare(BASE, replace(BASE, tables=()))
    assert [(d.kind, d.name, d.change) for d in found] == [("table", "public.users", "missing")]
    assert found[0].expected == USERS


def test_composite_attributes_and_nested_changes_together() -> None:
    left = replace(BASE, composites=(CompositeType("public", "pair", (("a", "int"),)),))
    right = replace(left, composites=(CompositeType("public", "pair", (("a", "bigint"),)),))
    assert lines(left, right) == ["type public.pair: attributes: ((a, int)) -> ((a, bigint))"]
    both = with_users(BASE, comment="people", columns=USERS.columns[:1])
    assert lines(BASE, both) == [
        "table public.users: comment: (none) -> people",
        "column public.users.email: in migrations, not in database",
    ]
