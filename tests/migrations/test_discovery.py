"""Discovery and statement splitting, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgshift.errors import DiscoveryError, SqlError
from pgshift.migrations.discovery import canonical_version, discover, version_key
from pgshift.migrations.sections import Section
from pgshift.migrations.statements import check_runnable, split
from tests.conftest import write_migrations


def test_versions_compare_as_integers(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path,
        {"9_a.sql": "SELECT 9;", "0010_b.sql": "SELECT 10;", "00002_c.sql": "SELECT 2;"},
    )
    assert [m.version for m in discover(folder)] == ["2", "9", "10"]
    assert version_key("1.10") > version_key("1.9")
    assert canonical_version("0001") == "1"
    assert canonical_version("1_2") == "1.2"


def test_directives_are_read(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path,
        {
            "0001_x.sql": "-- pgshift:no-transaction\n"
            "-- pgshift:lock-timeout 2s\n"
            "-- pgshift:statement-timeout 5min\n"
            "-- pgshift:allow drop-column, drop-table\n"
            "CREATE INDEX CONCURRENTLY i ON t (x);\n"
        },
    )
    (migration,) = discover(folder)
    assert migration.directives.transaction is False
    assert migration.directives.lock_timeout == 2.0
    assert migration.directives.statement_timeout == 300.0
    assert migration.directives.allow == ("drop-column", "drop-table")


def test_down_part_and_its_line_numbers(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path,
        {
            "0001_x.sql": "CREATE TABLE a (\n    id int\n);\n\nCREATE TABLE b (id int);\n"
            "-- pgshift:down\nDROP TABLE b;\n\nDROP TABLE a;\n"
        },
    )
    (migration,) = discover(folder)
    assert migration.has_down
    assert migration.up is not None
    assert migration.down is not None
    assert [s.line for s in split(migration.up)] == [1, 5]
    assert [(s.sql, s.line) for s in split(migration.down)] == [
        ("DROP TABLE b", 7),
        ("DROP TABLE a", 9),
    ]


def test_statement_lines_with_dollar_quotes_and_unicode(tmp_path: Path) -> None:
    text = (
        "-- header\n"
        "CREATE FUNCTION f() RETURNS text AS $$\n"
        "  SELECT 'ü; still the body';\n"
        "$$ LANGUAGE sql;\n"
        "/* a comment */ CREATE TABLE é (id int);\n"
        "SELECT 1"
    )
    statements = split(Section(text, tmp_path / "x.sql", 1))
    assert [s.line for s in statements] == [2, 5, 6]
    assert statements[0].sql.endswith("LANGUAGE sql")
    assert statements[1].sql == "CREATE TABLE é (id int)"


def test_statements_that_cannot_run_in_a_transaction_are_flagged(tmp_path: Path) -> None:
    text = (
        "CREATE INDEX CONCURRENTLY i ON t (x);\n"
        "DROP INDEX CONCURRENTLY i;\n"
        "REINDEX INDEX CONCURRENTLY i;\n"
        "VACUUM t;\n"
        "ANALYZE t;\n"
        "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;\n"
        "CREATE TABLE t2 (id int);\n"
        "SET lock_timeout = '1s';\n"
        "SET LOCAL statement_timeout = '1s';\n"
    )
    statements = split(Section(text, tmp_path / "x.sql", 1))
    assert [s.outside_transaction for s in statements] == [
        True, True, True, True, False, True, False, False, False,
    ]  # fmt: skip
    assert statements[0].concurrent_index == "i"
    assert statements[1].concurrent_drop
    assert [s.session_setting for s in statements][-2:] == [True, False]
    with pytest.raises(SqlError, match="cannot run inside a transaction block"):
        check_runnable(statements, True, Section(text, tmp_path / "x.sql", 1))
    check_runnable(statements, False, Section(text, tmp_path / "x.sql", 1))


def test_refused_statements_name_their_line(tmp_path: Path) -> None:
    section = Section("SELECT 1;\n\\i other.sql\n", tmp_path / "x.sql", 1)
    with pytest.raises(SqlError, match=r"x.sql:2: psql meta-command '\\\\i'"):
        split(section)
    with pytest.raises(SqlError, match=r"x.sql:3: COPY"):
        split(Section("SELECT 1;\n\nCOPY t FROM stdin;\n", tmp_path / "x.sql", 1))
    with pytest.raises(SqlError, match=r"x.sql:3: syntax error"):
        split(Section("SELECT 1;\nSELECT 2;\nSELEC 3;\n", tmp_path / "x.sql", 1))
    statements = split(Section("BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n", tmp_path / "x", 1))
    with pytest.raises(SqlError, match="transaction control"):
        check_runnable(statements, True, Section("", tmp_path / "x", 1))


def test_files_that_are_not_migrations_are_ignored(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path,
        {
            "0001_a.sql": "SELECT 1;",
            "README.md": "# notes",
            "atlas.sum": "h1:abc",
            "__init__.py": "",
            ".hidden.sql": "not sql at all",
            "migration_lock.toml": "provider = 'postgresql'",
        },
    )
    assert [m.name for m in discover(folder)] == ["0001_a.sql"]


def test_checksum_ignores_line_endings_and_bom_but_not_content(tmp_path: Path) -> None:
    text = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
    plain = discover(write_migrations(tmp_path / "lf", {"0001_a.sql": text}))[0].checksum
    crlf = discover(
        write_migrations(tmp_path / "crlf", {"0001_a.sql": text.replace("\n", "\r\n").encode()})
    )[0].checksum
    bom = discover(
        write_migrations(tmp_path / "bom", {"0001_a.sql": b"\xef\xbb\xbf" + text.encode()})
    )[0].checksum
    edited = discover(
        write_migrations(tmp_path / "ed", {"0001_a.sql": text.replace("b (", "c (")})
    )[0].checksum
    assert plain == crlf == bom
    assert edited != plain


_BASE = b"-- migration\nCREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n"


@settings(max_examples=200, deadline=None)
@given(position=st.integers(0, len(_BASE) - 1), flip=st.integers(1, 255))
def test_any_changed_byte_changes_the_checksum(
    tmp_path_factory: pytest.TempPathFactory, position: int, flip: int
) -> None:
    mutated = bytearray(_BASE)
    mutated[position] ^= flip
    if b"\r" in mutated or b"\xef\xbb\xbf" in mutated[:3]:
        return  # line-ending and BOM changes are normalised on purpose
    try:
        mutated.decode("utf-8")
    except UnicodeDecodeError:
        return  # not UTF-8: refused by discovery, tested elsewhere
    folder = tmp_path_factory.mktemp("m")
    (folder / "0001_a.sql").write_bytes(_BASE)
    original = discover(folder)[0].checksum
    (folder / "0001_a.sql").write_bytes(bytes(mutated))
    try:
        changed = discover(folder)[0].checksum
    except DiscoveryError:
        return  # the flip made the file unreadable (e.g. all comment): refused, not run
    assert changed != original


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"create_users.sql": "SELECT 1;"}, "does not name a migration"),
        ({"0001.create.sql": "SELECT 1;"}, "does not name a migration"),
        ({"0001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 2;"}, "two migrations have version 1"),
        ({"0001_a.sql": "-- pgshift:no-transactoin\nSELECT 1;"}, "unknown directive"),
        ({"0001_a.sql": "SELECT 1;\n-- pgshift:no-transaction\n"}, "is not at the top"),
        ({"0001_a.sql": ""}, "the up part is empty"),
        ({"0001_a.sql": "-- only a comment\n\n"}, "the up part is empty"),
        (
            {"0001_a.sql": b"SELECT 1;\nSELECT '\xff';\n"},
            "0001_a.sql:2: the file is not valid UTF-8",
        ),
        ({"0001_a.py": "def down(conn):\n    pass\n"}, "must define up"),
        ({"0001_a.py": "def up(conn:\n"}, "Python syntax error"),
        ({"1_a.down.sql": "DROP TABLE a;"}, "a down file without its up file"),
        ({"U1__a.sql": "DROP TABLE a;"}, "an undo file for version 1"),
        ({"0001_a.sql": "-- pgshift:lock-timeout soon\nSELECT 1;"}, "is not a duration"),
    ],
)
def test_bad_files_are_errors_naming_the_file(
    tmp_path: Path, files: dict[str, str | bytes], message: str
) -> None:
    folder = write_migrations(tmp_path, files)
    with pytest.raises(DiscoveryError, match=message) as error:
        discover(folder)
    assert any(name.split("/")[0] in str(error.value) for name in files)


def test_missing_directory_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="pgshift init"):
        discover(tmp_path / "nope")
