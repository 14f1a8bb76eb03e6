"""How other tools' files run: empty files, transactions as the tool ran them, bad names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pgshift import down, migrate, status
from pgshift.events import Event
from pgshift.migrations.discovery import read_directory
from tests.conftest import query, run_cli, tables, write_migrations


def test_flyway_runs_a_concurrent_index_outside_a_transaction_and_says_so(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "V1__users.sql": "CREATE TABLE users (id int, email text);\n",
            "V2__index.sql": "CREATE INDEX CONCURRENTLY users_email ON users (email);\n"
            "CREATE INDEX CONCURRENTLY users_id ON users (id);\n",
        },
    )
    events: list[Event] = []
    result = migrate(db_url, directory=folder, on_event=events.append)
    assert len(result.applied) == 2
    notes = [e.message for e in events if e.kind == "note"]
    assert any(
        n.startswith("V2__index.sql: line 1 (CREATE INDEX CONCURRENTLY") and "as flyway does" in n
        for n in notes
    )
    assert query(
        db_url,
        "SELECT bool_and(indisvalid), count(*) FROM pg_index WHERE indrelid = 'users'::regclass",
    ) == [(True, 2)]
    # (CONCURRENTLY fails inside a transaction: both indexes show it ran outside one)
    assert query(db_url, "SELECT count(*) FROM pgshift.journal") == [(0,)]
    assert query(db_url, "SELECT version FROM pgshift.history ORDER BY id") == [("1",), ("2",)]


def test_golang_migrate_empty_files_are_recorded_and_undone(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "1_users.up.sql": "CREATE TABLE users (id int);\n",
            "1_users.down.sql": "DROP TABLE users;\n",
            "2_only_for_mysql.up.sql": "",
            "2_only_for_mysql.down.sql": "-- nothing to undo on PostgreSQL\n",
        },
    )
    result = migrate(db_url, directory=folder)
    assert [r.migration.name for r in result.applied] == [
        "1_users.up.sql",
        "2_only_for_mysql.up.sql",
    ]
    assert query(db_url, "SELECT version FROM pgshift.history ORDER BY id") == [("1",), ("2",)]
    shown = status(db_url, directory=folder)
    assert shown.layout == "golang-migrate"
    assert shown.status.up_to_date
    reverted = down(db_url, directory=folder, to="0")
    assert len(reverted.reverted) == 2
    assert tables(db_url) == set()


def test_dbmate_without_its_marker_is_refused_before_anything_runs(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "20240101000001_users.sql": "-- migrate:up\nCREATE TABLE users (id int);\n",
            "20240101000002_index.sql": "-- migrate:up\n"
            "CREATE INDEX CONCURRENTLY users_id ON users (id);\n",
        },
    )
    done = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert done.returncode == 2
    assert "20240101000002_index.sql:2: this statement cannot run inside a transaction" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert "'-- migrate:up transaction:false' (dbmate's own marker)" in done.stderr
    assert tables(db_url) == set()
    linted = run_cli("lint", str(folder), "--no-cache")
    assert linted.returncode == 1  # lint refuses what migrate refuses, at the same line
    assert "20240101000002_index.sql:2:1: error" in linted.stdout


def test_status_names_the_layout_and_a_pinned_layout_refuses_other_names(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "2019-02-26-002946_users/up.sql": "CREATE TABLE users (id int);\n",
            "2019-02-26-002946_users/down.sql": "DROP TABLE users;\n",
        },
    )
    shown = run_cli("status", "--dir", str(folder), url=db_url)
    assert "layout: diesel (detected)" in shown.stdout
    assert "2019-02-26-002946_users" in shown.stdout
    assert "up.sql" not in shown.stdout
    data = json.loads(run_cli("status", "--json", "--dir", str(folder), url=db_url).stdout)
    assert (data["layout"], data["layout_detected"]) == ("diesel", True)
    assert data["migrations"][0]["version"] == "2019-02-26-002946"

    pinned = run_cli("status", "--layout", "prisma", "--dir", str(folder), url=db_url)
    assert pinned.returncode == 2
    assert "2019-02-26-002946_users: folder name does not name a migration of the prisma" in (
        pinned.stderr
    )
    assert "diesel (2019-02-26-002946_slug/up.sql)" in pinned.stderr
    assert "Traceback" not in pinned.stderr


def test_a_nul_byte_is_one_paragraph_and_nothing_is_recorded(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"0001_a.sql": b"CREATE TABLE a (id int);\n\x00CREATE TABLE b (id int);\n"},
    )
    done = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert done.returncode == 2
    assert "0001_a.sql:2: the file holds a NUL byte" in done.stderr
    assert "Traceback" not in done.stderr
    assert tables(db_url) == set()


@pytest.mark.parametrize(
    ("files", "made"),
    [
        ({"2019-02-26-002946_a/up.sql": "SELECT 1;"}, r"\d{4}-\d\d-\d\d-\d{6}_add_posts/up\.sql"),
        ({"20210605225044_a/migration.sql": "SELECT 1;"}, r"\d{14}_add_posts/migration\.sql"),
        ({"V0009.A.up.sql": "SELECT 1;"}, r"V0010\.add_posts\.up\.sql"),
        ({"V1__a.sql": "SELECT 1;", "V2__b.sql": "SELECT 1;"}, r"V3__add_posts\.sql"),
        ({"1-a.sql": "SELECT 1;"}, r"2-add_posts\.sql"),
        (
            {"20200101000001000000_a.postgres.up.sql": "SELECT 1;"},
            r"\d{20}_add_posts\.up\.sql",
        ),
        ({"20240101000000_a.sql": "-- migrate:up\nSELECT 1;\n"}, r"\d{14}_add_posts\.sql"),
    ],
)
def test_new_writes_the_next_migration_in_the_directorys_layout(
    tmp_path: Path, files: dict[str, str], made: str
) -> None:
    folder = write_migrations(tmp_path / "migrations", files)
    before = read_directory(folder)
    done = run_cli("new", "add posts", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = read_directory(folder)
    assert after.layout == before.layout  # the directory still reads as the tool's
    (added,) = [m for m in after.migrations if m not in before.migrations]
    assert re.fullmatch(made, str(added.path.relative_to(folder)))
    assert added is after.migrations[-1]  # it comes last


def test_lint_reads_another_tools_file_as_its_tool_runs_it(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "V1__users.sql": "CREATE TABLE users (id int);\n",
            "V2__index.sql": "CREATE INDEX CONCURRENTLY users_id ON users (id);\n",
        },
    )
    for target in (folder, folder / "V2__index.sql"):
        linted = run_cli("lint", str(target), "--format", "json", "--no-cache", cwd=tmp_path)
        data = json.loads(linted.stdout)
        found = data["findings"] if isinstance(data, dict) else data
        rules = {f["rule"] for f in found}
        assert "concurrently-in-transaction" not in rules, linted.stdout
        assert "migrate-refuses" not in rules, linted.stdout


def test_down_says_when_a_migration_reverts_by_running_nothing(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"1_users.up.sql": "CREATE TABLE users (id int);\n", "2_noop.up.sql": "SELECT 1;\n"},
    )
    migrate(db_url, directory=folder)
    events: list[Event] = []
    down(db_url, directory=folder, to="0", on_event=events.append)
    notes = [e.message for e in events if e.kind == "note"]
    said = "2_noop.up.sql: its down file 2_noop.down.sql is missing; as golang-migrate does, "
    assert said + "reverting it runs nothing" in notes
    assert tables(db_url) == {"users"}  # nothing undid the table: there was no down to run


def test_verify_runs_a_flyway_baseline_as_a_new_database_would(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "V1__users.sql": "CREATE TABLE users (id int);\n",
            "V2__posts.sql": "CREATE TABLE posts (id int);\n",
            "B2__baseline.sql": "CREATE TABLE users (id int);\nCREATE TABLE posts (id int);\n",
            "V3__drafts.sql": "CREATE TABLE drafts (id int);\n",
        },
    )
    checked = run_cli("verify", url=db_url, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    result = migrate(db_url, directory=folder)
    assert [r.migration.name for r in result.applied] == ["B2__baseline.sql", "V3__drafts.sql"]
    states = {e.migration.name: e.state for e in status(db_url, directory=folder).status.entries}
    assert states == {
        "V1__users.sql": "below-baseline",
        "B2__baseline.sql": "baselined",
        "V2__posts.sql": "below-baseline",
        "V3__drafts.sql": "applied",
    }


def test_a_golang_migrate_file_with_its_own_begin_and_commit(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "1_users.up.sql": "CREATE TABLE users (id int);\n",
            "2_bigint.up.sql": "BEGIN;\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n"
            "ALTER TABLE users ADD COLUMN name text;\nEND;\n",
            "2_bigint.down.sql": "START TRANSACTION;\nALTER TABLE users DROP COLUMN name;\n"
            "ALTER TABLE users ALTER COLUMN id TYPE int;\nCOMMIT;\n",
            "3_broken.up.sql": "BEGIN;\nALTER TABLE users ADD COLUMN age int;\n"
            "ALTER TABLE nope ADD COLUMN x int;\nCOMMIT;\n",
        },
    )
    done = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert done.returncode == 2
    assert "3_broken.up.sql:3:" in done.stderr  # the line in the file, BEGIN counted
    assert "its BEGIN and COMMIT are left to pgshift" in done.stderr
    columns = (
        "SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 "
        "AND NOT attisdropped"
    )
    assert query(db_url, columns + " ORDER BY attnum") == [("id",), ("name",)]  # no age: atomic
    (folder / "3_broken.up.sql").unlink()
    down(db_url, directory=folder, steps=1)
    assert query(db_url, columns) == [("id",)]
