"""Other tools' directories read by their own naming and ordering rules, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.config import load_settings
from pgshift.errors import ConfigError, DiscoveryError
from pgshift.migrations.discovery import read_directory
from pgshift.migrations.runner import Runner
from tests.conftest import write_migrations


def _read(tmp_path: Path, files: dict[str, str | bytes], layout: str = "auto", **kw: str):  # type: ignore[no-untyped-def]
    folder = write_migrations(tmp_path / "m", files)
    return read_directory(folder, layout, **kw)


def test_diesel_folders_in_diesels_order(tmp_path: Path) -> None:
    # As integers 20190227000000 < 201902260029460001; diesel compares the digits as
    # text, so the 4-digit-suffix folder of the 26th comes before the 27th.
    found = _read(
        tmp_path,
        {
            "00000000000000_diesel_initial_setup/up.sql": "SELECT 1;",
            "00000000000000_diesel_initial_setup/down.sql": "SELECT 1;",
            "2019-02-27-000000_later/up.sql": "SELECT 3;",
            "2019-02-27-000000_later/down.sql": "",
            "2019-02-26-002946-0001_suffix/up.sql": "SELECT 2;",
            "2019-02-26-002946-0001_suffix/down.sql": "SELECT 2;",
            "2019-02-26-002946_first/up.sql": "SELECT 1;",
        },
    )
    assert found.layout == "diesel"
    assert found.detected
    assert [m.name for m in found.migrations] == [
        "00000000000000_diesel_initial_setup",
        "2019-02-26-002946_first",
        "2019-02-26-002946-0001_suffix",
        "2019-02-27-000000_later",
    ]
    first, _, _, later = found.migrations
    assert first.version == "0000-00-00-000000"
    assert later.has_down
    assert Runner.prepare(later, down=True) == ()
    assert not found.migrations[1].has_down  # no down.sql at all


def test_diesel_metadata_runs_outside_a_transaction(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "2020-01-01-000000_index/up.sql": "CREATE INDEX CONCURRENTLY i ON t (x);",
            "2020-01-01-000000_index/down.sql": "DROP INDEX CONCURRENTLY i;",
            "2020-01-01-000000_index/metadata.toml": "run_in_transaction = false\n",
        },
    )
    (migration,) = found.migrations
    assert not migration.directives.transaction
    assert not migration.reverts_in_transaction
    keyless = _read(
        tmp_path / "k",
        {
            "2020-01-01-000000_a/up.sql": "SELECT 1;",
            "2020-01-01-000000_a/metadata.toml": "# written by hand\n",
            "2020-01-01-000001_b/up.sql": "SELECT 1;",
            "2020-01-01-000001_b/metadata.toml": "run_in_transaction = true\n",
        },
    ).migrations
    assert [m.directives.transaction for m in keyless] == [False, True]  # diesel's defaults
    plain = _read(
        tmp_path / "p",
        {"2020-01-01-000000_index/up.sql": "CREATE INDEX CONCURRENTLY i ON t (x);"},
    ).migrations[0]
    assert plain.directives.transaction  # diesel would have refused: so does pgshift
    with pytest.raises(DiscoveryError, match="cannot run inside a transaction block"):
        Runner.prepare(plain)


def test_prisma_folders(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "migration_lock.toml": 'provider = "postgresql"\n',
            "20210605225044_init/migration.sql": "CREATE TABLE a (id int);",
            "20210606000000_empty/migration.sql": "-- This is an empty migration.\n",
            "20210607000000_index/migration.sql": "CREATE INDEX CONCURRENTLY i ON a (id);",
        },
    )
    assert found.layout == "prisma"
    assert [m.name for m in found.migrations] == [
        "20210605225044_init",
        "20210606000000_empty",
        "20210607000000_index",
    ]
    _, empty, index = found.migrations
    assert Runner.prepare(empty) == ()
    assert not index.directives.transaction
    assert "as prisma does" in index.note


def test_golang_migrate_prefixes_dots_and_empty_files(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "V0001.Initial_Schema.up.sql": "CREATE TABLE a (id int);",
            "V0001.Initial_Schema.down.sql": "DROP TABLE a;",
            "V0002.Mysql_Only.up.sql": "",
            "V0002.Mysql_Only.down.sql": "-- nothing to do here\n",
            "V0010.Index.up.sql": "CREATE INDEX CONCURRENTLY i ON a (id);",
            "V0010.Index.down.sql": "DROP INDEX i;",
        },
    )
    assert found.layout == "golang-migrate"
    assert [m.version for m in found.migrations] == ["1", "2", "10"]
    _, empty, index = found.migrations
    assert empty.has_down
    assert Runner.prepare(empty) == () == Runner.prepare(empty, down=True)
    assert not index.directives.transaction
    assert index.reverts_in_transaction


def test_pgshifts_own_empty_file_stays_an_error(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="the up part is empty"):
        _read(tmp_path, {"0001_a.sql": "", "0002_b.py": "def up(conn):\n    pass\n"})


def test_postgres_migrations_numbers_and_marker(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "1-create.sql": "CREATE TABLE a (id int);",
            "2_more.sql": "ALTER TABLE a ADD b int;",
            "10-index.sql": "-- postgres-migrations disable-transaction\n"
            "CREATE INDEX CONCURRENTLY i ON a (id);",
        },
    )
    assert found.layout == "postgres-migrations"
    assert [m.version for m in found.migrations] == ["1", "2", "10"]
    assert not found.migrations[2].directives.transaction
    with pytest.raises(DiscoveryError, match="JavaScript migration"):
        _read(tmp_path / "js", {"1-a.sql": "SELECT 1;", "2-b.js": "module.exports = {}"})


def test_popx_takes_its_dialect_and_the_dialect_free_files(tmp_path: Path) -> None:
    files = {
        "20200101000001000000_a.up.sql": "CREATE TABLE a (id int);",
        "20200101000001000000_a.down.sql": "DROP TABLE a;",
        "20200101000002000000_b.postgres.up.sql": "CREATE TABLE b (id uuid);",
        "20200101000002000000_b.mysql.up.sql": "CREATE TABLE b (id CHAR(36)) ENGINE=InnoDB;",
        "20200101000002000000_b.sqlite3.up.sql": "CREATE TABLE b (id TEXT);",
        "20200101000002000000_b.postgres.down.sql": "DROP TABLE b;",
        "20200101000003000000_c.up.sql": "generic",
        "20200101000003000000_c.postgres.up.sql": "",
        "20200101000003000000_c.cockroach.up.sql": "SELECT crdb_internal.x();",
    }
    found = _read(tmp_path, files)
    assert found.layout == "popx"
    _a, b, c = found.migrations
    assert b.path.name == "20200101000002000000_b.postgres.up.sql"
    assert b.has_down
    assert c.path.name == "20200101000003000000_c.postgres.up.sql"  # wins over the generic
    assert Runner.prepare(c) == ()
    mysql = read_directory(tmp_path / "m", "popx", "mysql").migrations
    assert mysql[1].path.name == "20200101000002000000_b.mysql.up.sql"


def test_flyway_conf_and_automatic_no_transaction(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "V1__init.sql": "CREATE TABLE a (id int);",
            "V1.1__vacuum.sql": "VACUUM a;",
            "V1.1__vacuum.sql.conf": "executeInTransaction=false\n",
            "V2__index.sql": "CREATE INDEX CONCURRENTLY i ON a (id);",
            "U2__index.sql": "DROP INDEX i;",
            "V3__backfill.sql": "DO $$ BEGIN UPDATE a SET id = id; COMMIT; END $$;",
            "R__view.sql": "CREATE OR REPLACE VIEW v AS SELECT * FROM a;",
        },
    )
    assert found.layout == "flyway"
    init, vacuum, index, backfill, view = found.migrations
    assert init.directives.transaction
    assert view.kind == "repeatable"
    assert not vacuum.directives.transaction
    assert not vacuum.note
    assert not index.directives.transaction
    assert "line 1 (CREATE INDEX CONCURRENTLY" in index.note
    assert index.reverts_in_transaction  # its undo file needs no such thing
    assert not backfill.directives.transaction
    edited = _read(tmp_path / "e", {"V1__init.sql": "SELECT 1;"})
    (tmp_path / "e" / "m" / "V1__init.sql.conf").write_text("executeInTransaction=true\n")
    again = read_directory(tmp_path / "e" / "m")
    assert again.migrations[0].checksum != edited.migrations[0].checksum  # the .conf counts


def test_dbmate_is_reported_and_pinned_layout_names_the_rules(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {"20240101000000_a.sql": "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n"},
    )
    assert found.layout == "dbmate"
    (migration,) = found.migrations
    assert migration.has_down
    assert Runner.prepare(migration, down=True) == ()
    with pytest.raises(DiscoveryError) as error:
        _read(tmp_path / "x", {"create_users/up.sql": "SELECT 1;"}, "diesel")
    assert "diesel layout" in error.value.message
    assert "prisma (20210605225044_slug/migration.sql)" in error.value.hint
    with pytest.raises(DiscoveryError, match="without its '-- migrate:up' line"):
        _read(tmp_path / "y", {"20240101000000_a.sql": "SELECT 1;"}, "dbmate")


def test_a_mixed_directory_is_read_by_pgshifts_layout(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "V1__a.sql": "CREATE TABLE a (id int);",
            "2_b.up.sql": "CREATE TABLE b (id int);",
            "0003_c.sql": "CREATE TABLE c (id int);",
        },
    )
    assert found.layout == "pgshift"
    assert [m.layout for m in found.migrations] == ["flyway", "golang-migrate", "pgshift"]


def test_nul_byte_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match=r"0001_a.sql:2: the file holds a NUL byte"):
        _read(tmp_path, {"0001_a.sql": b"SELECT 1;\nSELECT 2;\x00 DROP TABLE a;\n"})


def test_layout_setting_is_checked(tmp_path: Path) -> None:
    settings = load_settings({"layout": "diesel", "dialect": "mysql"}, env={}, cwd=tmp_path)
    assert (settings.layout, settings.dialect) == ("diesel", "mysql")
    with pytest.raises(ConfigError, match="unknown layout 'rails'"):
        load_settings({"layout": "rails"}, env={}, cwd=tmp_path)
    (tmp_path / "pgshift.toml").write_text('layout = "prisma"\n')
    assert load_settings(env={}, cwd=tmp_path).layout == "prisma"
    assert load_settings(env={"PGSHIFT_LAYOUT": "flyway"}, cwd=tmp_path).layout == "flyway"


def test_traps_of_real_directories(tmp_path: Path) -> None:
    # diesel: dumped flat versions among dashed ones, diesel_cli's hexadecimal suffix,
    # a name with spaces whose up.sql is only comments, a data script beside the folders
    found = _read(
        tmp_path / "diesel",
        {
            "20170102131034_dumped_migration_120/up.sql": "SELECT 1;",
            "2017-08-31-230457_invitations/up.sql": "SELECT 2;",
            "2026-07-30-140000-0010_sixteenth/up.sql": "SELECT 16;",
            "2026-07-30-140000-000a_tenth/up.sql": "SELECT 10;",
            "2026-07-30-140000-0009_ninth/up.sql": "SELECT 9;",
            "2019-11-15-182353_Add email notifications/up.sql": "-- moved to the app\n",
            "data_oauth_github.sql": "INSERT INTO oauth VALUES (1);",
            "README.md": "migrations",
        },
    )
    assert found.layout == "diesel"
    assert [m.name for m in found.migrations] == [
        "20170102131034_dumped_migration_120",
        "2017-08-31-230457_invitations",
        "2019-11-15-182353_Add email notifications",
        "2026-07-30-140000-0009_ninth",
        "2026-07-30-140000-000a_tenth",
        "2026-07-30-140000-0010_sixteenth",
    ]
    # golang-migrate pairs by version alone; a version without a down file reverts to nothing
    golang = _read(
        tmp_path / "golang",
        {
            "30_add_magic_metadata.up.sql": "ALTER TABLE a ADD m int;",
            "30_drop_magic_metadata.down.sql": "ALTER TABLE a DROP m;",
            "31_no_down.up.sql": "SELECT 1;",
            "0002_1.7.0_schema.up.sql": "SELECT 1;",
        },
    )
    assert [m.version for m in golang.migrations] == ["2", "30", "31"]
    assert golang.migrations[1].down is not None
    assert golang.migrations[1].down.path.name == "30_drop_magic_metadata.down.sql"
    assert golang.migrations[2].has_down
    assert Runner.prepare(golang.migrations[2], down=True) == ()
    # popx: autocommit files, and sqlite as sqlite3
    popx = _read(
        tmp_path / "popx",
        {
            "20210101000001000000_x.postgres.autocommit.up.sql": "VACUUM t;",
            "20210101000001000000_x.cockroach.autocommit.up.sql": "SELECT 1;",
            "20210101000001000000_x.up.sql": "CREATE INDEX i ON a (b);",
            "20210101000001000000_x.down.sql": "DROP INDEX i;",
            "20210101000002000000_y.sqlite.up.sql": "SELECT sqlite_version();",
            "20210101000002000000_y.up.sql": "",
        },
    )
    x, y = popx.migrations
    assert x.path.name == "20210101000001000000_x.postgres.autocommit.up.sql"
    assert not x.directives.transaction
    assert x.reverts_in_transaction
    assert y.path.name == "20210101000002000000_y.up.sql"
    sqlite = read_directory(tmp_path / "popx" / "m", "popx", "sqlite3").migrations
    assert sqlite[1].path.name == "20210101000002000000_y.sqlite.up.sql"
    # dbmate reads any name starting with digits, a dash after them too
    dbmate = _read(
        tmp_path / "dbmate",
        {"00000000000000-initial-schema.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\n"},
    )
    assert dbmate.layout == "dbmate"


def test_enum_values_run_outside_a_transaction_before_postgresql_12(tmp_path: Path) -> None:
    from pgshift.migrations.layouts._common import for_server

    add = "ALTER TYPE mood ADD VALUE 'meh';\n"
    (flyway,) = _read(tmp_path / "f", {"V1__mood.sql": add}).migrations
    (own,) = _read(tmp_path / "p", {"0001_mood.sql": add}).migrations
    statements = Runner.prepare(flyway)
    old = for_server(flyway, statements, 11)
    assert not old.directives.transaction
    assert "before PostgreSQL 12" in old.note
    assert for_server(flyway, statements, 12) is flyway
    assert for_server(own, Runner.prepare(own), 11) is own  # pgshift's own: the directive
    rename = _read(tmp_path / "r", {"V1__mood.sql": "ALTER TYPE mood RENAME VALUE 'a' TO 'b';"})
    (renamed,) = rename.migrations
    assert for_server(renamed, Runner.prepare(renamed), 11) is renamed
