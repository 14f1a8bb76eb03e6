"""A diff never says "no difference" while the schemas differ: what it cannot write yet
is said, in the script as comments, in --json, and by the exit code."""

from __future__ import annotations

import json
from dataclasses import replace

import psycopg

from pgshift.schema.model import Column, Index, Schema, Table
from pgshift.schema.sql import diff_script
from pgshift.testing import database_url
from tests.conftest import _create_db, _drop_db, run_cli

COLUMN = Column("id", "bigint", nullable=False)
INDEX = Index("t_id_idx", "CREATE INDEX t_id_idx ON public.t USING btree (id)", "btree", ("id",))
TABLE = Table("public", "t", "table", columns=(COLUMN,), indexes=(INDEX,))


def test_a_difference_no_step_writes_is_said_not_dropped() -> None:
    # a column declared by a child of INHERITS, then only inherited: no statement does it
    inherited = replace(TABLE, columns=(replace(COLUMN, local=False),))
    script = diff_script(Schema(tables=(TABLE,)), Schema(tables=(inherited,)))
    assert script.steps == ()
    assert not script.empty
    assert [d.name for d in script.unwritten] == ["public.t.id"]
    assert "-- not written: column public.t.id" in script.sql
    assert "local" in script.sql


def test_what_the_steps_cannot_write_is_said_beside_them() -> None:
    inherited = replace(
        TABLE, columns=(replace(COLUMN, local=False), Column("note", "text")), inherits=()
    )
    script = diff_script(Schema(tables=(TABLE,)), Schema(tables=(inherited,)))
    assert [s.sql for s in script.steps] == ["ALTER TABLE public.t ADD COLUMN note text"]
    assert [d.name for d in script.unwritten] == ["public.t.id"]
    assert "-- not written: column public.t.id: only inherited in the target" in script.sql


def test_an_invalid_index_is_a_difference_too() -> None:
    invalid = replace(TABLE, indexes=(replace(INDEX, valid=False),))
    script = diff_script(Schema(tables=(invalid,)), Schema(tables=(TABLE,)))
    assert not script.empty
    assert any("valid" in d.describe() for d in script.unwritten)


def test_nothing_is_unwritten_when_the_models_are_equal() -> None:
    script = diff_script(Schema(tables=(TABLE,)), Schema(tables=(TABLE,)))
    assert script.empty
    assert script.unwritten == ()


def test_the_command_exits_1_and_names_what_it_cannot_write(server_url: str) -> None:
    made = [_create_db(server_url) for _ in range(2)]
    try:
        (_, declared), (_, inherited) = made
        # t declares id in one, only inherits it in the other: no statement does that
        with psycopg.connect(declared, autocommit=True) as conn:
            conn.execute("CREATE TABLE p (id bigint); CREATE TABLE t (id bigint) INHERITS (p)")
        with psycopg.connect(inherited, autocommit=True) as conn:
            conn.execute("CREATE TABLE p (id bigint); CREATE TABLE t () INHERITS (p)")
        urls = [
            "--from",
            database_url(server_url, made[0][0]),
            "--to",
            database_url(server_url, made[1][0]),
        ]
        text = run_cli("diff", *urls)
        assert text.returncode == 1, text.stderr
        assert "no difference" not in text.stdout + text.stderr
        assert "-- not written: column public.t.id" in text.stdout
        machine = run_cli("diff", *urls, "--json")
        assert machine.returncode == 1
        payload = json.loads(machine.stdout)
        assert payload["different"] is True
        assert [u["name"] for u in payload["unwritten"]] == ["public.t.id"]
    finally:
        for name, _ in made:
            _drop_db(server_url, name)


def test_extension_versions_can_be_left_out_of_the_comparison(server_url: str) -> None:
    made = [_create_db(server_url) for _ in range(2)]
    try:
        for (_, url), version in zip(made, ("1.5", "1.6"), strict=True):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"CREATE EXTENSION pg_trgm VERSION '{version}'".encode())
        urls = ["--from", database_url(server_url, made[0][0])]
        urls += ["--to", database_url(server_url, made[1][0])]
        compared = run_cli("diff", *urls)
        assert compared.returncode == 1, compared.stderr
        assert "ALTER EXTENSION pg_trgm UPDATE TO '1.6'" in compared.stdout
        ignored = run_cli("diff", *urls, "--ignore-extension-versions")
        assert ignored.returncode == 0, ignored.stdout + ignored.stderr
        assert "no difference" in ignored.stderr
    finally:
        for name, _ in made:
            _drop_db(server_url, name)


def test_a_collation_redefined_while_columns_use_it_is_refused_by_name() -> None:
    """PostgreSQL cannot alter a collation, nor drop one a column uses: the diff says
    which columns hold it and how to move them, rather than write SQL that fails."""
    from pgshift.errors import PgshiftError
    from pgshift.schema.model import Collation

    before = Collation("public", "sorted", "libc", lc_collate="POSIX", lc_ctype="POSIX")
    after = replace(before, lc_collate="C.UTF-8", lc_ctype="C.UTF-8")
    table = replace(TABLE, columns=(COLUMN, Column("name", "text", collation="sorted")))
    source = Schema(tables=(table,), collations=(before,))
    target = Schema(tables=(table,), collations=(after,))
    try:
        diff_script(source, target, allow_destructive=True)
    except PgshiftError as refused:
        message = refused.message
    else:
        message = ""
    assert "collation public.sorted" in message
    assert "public.t.name" in message
    unused = diff_script(Schema(collations=(before,)), Schema(collations=(after,)))
    assert [s.action for s in unused.steps] == ["drop", "create"]


def test_a_rename_too_ambiguous_to_guess_is_said_as_a_note() -> None:
    """Two new tables identical to a dropped one but for their names: no guess (the rows
    could go to the wrong one), and the script and the refusal say a rename was possible."""
    from pgshift.schema.sql import DestructiveChange

    old = replace(TABLE, name="people", indexes=())
    twins = (replace(old, name="persons"), replace(old, name="humans"))
    source, target = Schema(tables=(old,)), Schema(tables=twins)
    script = diff_script(source, target, allow_destructive=True)
    assert sorted(s.action for s in script.steps if s.kind == "table") == [
        "create",
        "create",
        "drop",
    ]
    assert script.sql.startswith("-- note: table public.people is dropped and ")
    assert "RENAME TO by hand" in script.sql
    try:
        diff_script(source, target)
    except DestructiveChange as refused:
        message = refused.message
    else:
        message = ""
    assert "note: table public.people is dropped" in message


def test_with_renames_off_a_possible_rename_is_said() -> None:
    old = replace(TABLE, name="people", indexes=())
    new = replace(old, name="persons")
    script = diff_script(
        Schema(tables=(old,)), Schema(tables=(new,)), allow_destructive=True, renames=False
    )
    assert "RENAME" not in "".join(s.sql for s in script.steps)
    assert script.notes == (
        "table public.people is dropped and public.persons created, identical to it but for "
        "its name: without --no-renames it is renamed and keeps its rows",
    )
    renamed = diff_script(Schema(tables=(old,)), Schema(tables=(new,)))
    assert renamed.notes == ()
    assert "RENAME TO persons" in renamed.sql
