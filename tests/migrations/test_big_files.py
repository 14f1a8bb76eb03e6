"""Big and awkward files on a real server: trailing comments, batches, errors, progress."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from pgshift import MigrationError, migrate
from pgshift.cli._common import progress_printer
from pgshift.events import Event
from pgshift.migrations import batches as batches_module
from pgshift.migrations import runner as runner_module
from pgshift.migrations.sections import Section
from pgshift.migrations.statements import split
from tests.conftest import query, run_cli, write_migrations

TABLE = "CREATE TABLE t (id int PRIMARY KEY);\n"


def _columns(url: str) -> set[str]:
    rows = query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 't'")
    return {str(r[0]) for r in rows}


def _versions(url: str) -> list[str]:
    return [str(r[0]) for r in query(url, "SELECT version FROM pgshift.history ORDER BY 1")]


# -- a last statement that ends in a comment ------------------------------------------------

COMMENTED = {
    "0002_semicolon_after.sql": (
        "ALTER TABLE t ADD COLUMN created_at timestamptz DEFAULT now() -- why we need it\n;\n"
    ),
    "0003_no_semicolon.sql": (
        "ALTER TABLE t ADD COLUMN updated_at timestamptz DEFAULT now() -- why we need it"
    ),
    "0004_block.sql": "ALTER TABLE t ADD COLUMN note text /* a block comment */",
    "0005_two_statements.sql": (
        "ALTER TABLE t ADD COLUMN a int; -- the first\n"
        "ALTER TABLE t ADD COLUMN b int -- the second, last\n"
        "-- and a comment after it\n"
    ),
}


def test_a_last_statement_that_ends_in_a_comment_runs_and_is_recorded(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, **COMMENTED})
    result = migrate(db_url, directory=folder)
    assert len(result.applied) == 5
    assert {"created_at", "updated_at", "note", "a", "b"} <= _columns(db_url)
    assert _versions(db_url) == ["1", "2", "3", "4", "5"]


def test_the_dry_run_script_of_such_files_is_sql_that_psql_runs(
    db_url: str, tmp_path: Path
) -> None:
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not on PATH")
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE})
    migrate(db_url, directory=folder)  # the history table exists for the script's rows
    write_migrations(folder, COMMENTED)
    script = migrate(db_url, directory=folder, dry_run=True).script
    assert _versions(db_url) == ["1"]
    (tmp_path / "plan.sql").write_text(script)
    done = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_url, "-f", str(tmp_path / "plan.sql")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {"created_at", "updated_at", "note", "a", "b"} <= _columns(db_url)
    assert _versions(db_url) == ["1", "2", "3", "4", "5"]


# -- several statements per round trip --------------------------------------------------------


def _rows(first: int, count: int) -> str:
    """``count`` INSERTs, every third one over two lines."""
    return "".join(
        f"INSERT INTO t (id)\n  VALUES ({i});\n" if i % 3 == 0 else f"INSERT INTO t VALUES ({i});\n"
        for i in range(first, first + count)
    )


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture(params=[1 << 16, 300], ids=["one-batch", "many-batches"])
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(batches_module, "BATCH", request.param)
    return int(request.param)


@pytest.mark.usefixtures("batch")
def test_a_data_migration_applies_with_its_history(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": "-- rows\n" + _rows(1, 500)}
    )
    migrate(db_url, directory=folder)
    assert query(db_url, "SELECT count(*), min(id), max(id) FROM t") == [(500, 1, 500)]
    assert _versions(db_url) == ["1", "2"]


@pytest.mark.parametrize("where", [1, 249, 250, 500])
@pytest.mark.usefixtures("batch")
def test_a_statement_failing_in_a_batch_is_named_and_nothing_is_kept(
    db_url: str, tmp_path: Path, where: int
) -> None:
    """A duplicate key has no position: the statements that ran before it tell which."""
    rows = _rows(1, 500)
    bad = f"INSERT INTO t (id)\n  VALUES ({where});\n" if where % 3 == 0 else f"({where});\n"
    text = "-- rows\n" + rows.replace(bad, bad + f"INSERT INTO t VALUES ({where});\n", 1)
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": text})
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    line = text.count("\n", 0, text.index(bad) + len(bad)) + 1
    assert failure.value.sqlstate == "23505"
    assert failure.value.line == line
    assert f"0002_data.sql:{line}:" in failure.value.message
    assert failure.value.statement == f"INSERT INTO t VALUES ({where})"
    assert query(db_url, "SELECT count(*) FROM t") == [(0,)]
    assert _versions(db_url) == ["1"]


@pytest.mark.usefixtures("batch")
def test_an_error_with_a_position_names_the_line_inside_its_statement(
    db_url: str, tmp_path: Path
) -> None:
    text = _rows(1, 200) + "UPDATE t\n   SET id = id\n WHERE missing = 1;\n" + _rows(201, 200)
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": text})
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert failure.value.sqlstate == "42703"
    assert failure.value.line == _line_of(text, "WHERE missing")
    assert query(db_url, "SELECT count(*) FROM t") == [(0,)]


@pytest.mark.usefixtures("batch")
def test_a_syntax_error_only_the_server_sees_is_named(
    db_url: str, tmp_path: Path, server_version: int
) -> None:
    """The server parses a whole message before it runs any of it: the error comes
    before any statement ran, and its position says which statement it is."""
    if server_version >= 160000:
        pytest.skip("IS JSON is known to PostgreSQL 16 and later")
    text = _rows(1, 200) + "INSERT INTO t SELECT 1000\n WHERE '{}' IS JSON;\n" + _rows(201, 200)
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": text})
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert failure.value.sqlstate == "42601"
    assert failure.value.line == _line_of(text, "WHERE '{}'")
    assert query(db_url, "SELECT count(*) FROM t") == [(0,)]


@pytest.mark.usefixtures("batch")
def test_a_deferred_check_failing_at_commit_names_the_last_statement(
    db_url: str, tmp_path: Path
) -> None:
    text = (
        "CREATE TABLE child (parent int REFERENCES t DEFERRABLE INITIALLY DEFERRED);\n"
        + _rows(1, 300)
        + "INSERT INTO child VALUES (100000);\n"
        + "INSERT INTO t VALUES (100001);\n"
    )
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": text})
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert failure.value.sqlstate == "23503"
    assert failure.value.line == text.count("\n")
    assert query(db_url, "SELECT to_regclass('child')") == [(None,)]
    assert _versions(db_url) == ["1"]


def test_statements_that_change_rows_go_in_batches_and_others_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batches_module, "BATCH", 60)
    text = (
        "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\nUPDATE t SET id = 3;\n"
        "CREATE INDEX i ON t (id);\nDELETE FROM t;\nSELECT 1;\nINSERT INTO t VALUES (4);\n"
    )
    statements = split(Section(text, Path("m.sql")))
    shapes = [[s.node.removesuffix("Stmt") for s in b] for b in batches_module.batches(statements)]
    assert shapes == [
        ["Insert", "Insert", "Update"],
        ["Index"],
        ["Delete"],
        ["Select"],
        ["Insert"],
    ]


def test_a_statement_that_changes_no_rows_is_seen_alone_while_it_runs(
    db_url: str, tmp_path: Path
) -> None:
    """pg_stat_activity shows what a session sent: a slow statement is not hidden in a batch."""
    text = _rows(1, 300) + "SELECT pg_sleep(1.5);\n" + _rows(301, 300)
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": text})
    run = threading.Thread(target=migrate, args=(db_url,), kwargs={"directory": folder})
    run.start()
    seen: list[tuple[object, ...]] = []
    while run.is_alive() and not seen:
        seen = query(
            db_url,
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(1.5)%'",
        )
        time.sleep(0.05)
    run.join()
    assert seen == [("SELECT pg_sleep(1.5)",)]
    assert query(db_url, "SELECT count(*) FROM t") == [(600,)]


# -- progress -----------------------------------------------------------------------------------


def test_a_long_file_reports_its_progress(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "BATCH", 300)
    monkeypatch.setattr(runner_module, "PROGRESS_EVERY", 0.0)
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": _rows(1, 500)})
    events: list[Event] = []
    migrate(db_url, directory=folder, on_event=events.append)
    progress = [e for e in events if e.kind == "progress"]
    assert progress, [e.kind for e in events]
    assert {e.message for e in progress} == {"0002_data.sql"}
    assert {e.total for e in progress} == {500}
    done = [e.index for e in progress]
    assert done == sorted(done)
    assert done[0] > 0
    assert done[-1] < 500
    kinds = [e.kind for e in events if e.kind != "progress"]
    assert kinds[-1] == "done"
    # the small file is one round trip: nothing to report
    assert not any(e.kind == "progress" and e.message == "0001_t.sql" for e in events)


def _event(done: int, seconds: float) -> Event:
    return Event("progress", "0002_data", None, done, 1000, seconds)


def test_off_a_terminal_progress_is_a_line_after_two_seconds_then_every_five(
    capsys: pytest.CaptureFixture[str],
) -> None:
    handle = progress_printer(quiet=False)
    for done, seconds in [(100, 0.5), (200, 1.9), (300, 2.1), (400, 4.0), (500, 7.2), (600, 8)]:
        handle(_event(done, seconds))
    handle(Event("done", "0002_data", None, 2, 2, 9.0))
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "  0002_data: 300 of 1,000 statements (30%)",
        "  0002_data: 500 of 1,000 statements (50%)",
        "  applied  0002_data  (9000 ms)",
    ]


def test_quiet_shows_no_progress(capsys: pytest.CaptureFixture[str]) -> None:
    handle = progress_printer(quiet=True)
    handle(_event(500, 30.0))
    assert capsys.readouterr().out == ""


SLOW = "".join(f"SELECT pg_sleep(0.8) /* {'padding ' * 9000} */;\n" for _ in range(4))


@pytest.mark.parametrize("flags", [(), ("-q",), ("--json",)], ids=["plain", "quiet", "json"])
def test_the_cli_shows_progress_of_a_slow_file_only_when_asked(
    db_url: str, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_slow.sql": SLOW})
    done = run_cli("migrate", "--dir", str(folder), *flags, url=db_url)
    assert done.returncode == 0, done.stderr
    shown = [line for line in done.stdout.splitlines() if "statements (" in line]
    if flags:
        assert shown == []
        if flags == ("--json",):
            assert json.loads(done.stdout)["applied"][0]["version"] == "1"
    else:
        assert shown
        assert shown[0].startswith("  0001_slow.sql: 3 of 4 statements")


@pytest.mark.parametrize("rows", [0, 300])
def test_a_lost_connection_is_one_paragraph_and_keeps_nothing(
    db_url: str, tmp_path: Path, rows: int
) -> None:
    text = _rows(1, rows) + "SELECT pg_terminate_backend(pg_backend_pid());\n" + _rows(1000, 10)
    folder = write_migrations(tmp_path / "m", {"0001_t.sql": TABLE, "0002_data.sql": text})
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert failure.value.line == rows + rows // 3 + 1
    assert "connection to the server was lost" in failure.value.hint
    assert query(db_url, "SELECT count(*) FROM t") == [(0,)]
    assert _versions(db_url) == ["1"]
