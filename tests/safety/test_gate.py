"""The data-loss gate of migrate asks the live database what a destructive statement loses."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift import migrate
from pgshift.errors import LintRefused
from pgshift.events import Event
from tests.conftest import query, tables, write_migrations


def _notes(events: list[Event]) -> list[str]:
    return [e.message for e in events if e.kind == "note"]


def test_a_history_that_drops_what_it_created_replays_from_empty(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int PRIMARY KEY, legacy text);\n"
            "CREATE TABLE scratch (id int);\nINSERT INTO scratch VALUES (1);\n",
            "0002_b.sql": "ALTER TABLE a DROP COLUMN legacy;\nDROP TABLE scratch;\n"
            "UPDATE a SET id = id;\n",
        },
    )
    events: list[Event] = []
    result = migrate(db_url, directory=folder, on_event=events.append)
    assert len(result.applied) == 2
    assert tables(db_url) == {"a"}
    notes = _notes(events)
    assert any("0002_b.sql:1: [drop-column] loses nothing" in n for n in notes)
    assert any("0002_b.sql:2: [drop-table] loses nothing" in n for n in notes)
    assert any("0001_a.sql creates it earlier in this run" in n for n in notes)
    assert result.backups == ()  # the scratch rows came from this very run


def test_empty_tables_and_columns_lose_nothing_but_rows_are_refused(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"0001_a.sql": "CREATE TABLE empty_t (id int);\nCREATE TABLE full_t (id int, x text);\n"},
    )
    migrate(db_url, directory=folder)
    query(db_url, "INSERT INTO full_t VALUES (1, NULL)")
    write_migrations(folder, {"0002_b.sql": "DROP TABLE empty_t;\nDROP TABLE full_t;\n"})
    with pytest.raises(LintRefused) as refused:
        migrate(db_url, directory=folder)
    assert [f.line for f in refused.value.findings] == [2]  # empty_t is not held against it
    assert tables(db_url) == {"empty_t", "full_t"}  # nothing ran

    # a column that holds nothing but NULLs loses nothing either
    (folder / "0002_b.sql").write_text("ALTER TABLE full_t DROP COLUMN x;\nDROP TABLE empty_t;\n")
    events: list[Event] = []
    migrate(db_url, directory=folder, on_event=events.append)
    assert any("holds no data" in n for n in _notes(events))
    assert tables(db_url) == {"full_t"}


def test_a_table_renamed_earlier_in_the_run_is_still_guarded(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE t (id int);\n"})
    migrate(db_url, directory=folder)
    query(db_url, "INSERT INTO t VALUES (1)")
    write_migrations(
        folder,
        {
            "0002_rename.sql": "ALTER TABLE t RENAME TO old_t;\n",
            "0003_drop.sql": "DROP TABLE old_t;\n",
        },
    )
    with pytest.raises(LintRefused) as refused:
        migrate(db_url, directory=folder)
    assert refused.value.findings[0].rule == "drop-table"
    assert query(db_url, "SELECT count(*) FROM t") == [(1,)]
