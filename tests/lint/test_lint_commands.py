"""pgshift lint and the lint in front of pgshift migrate, end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import pgshift
from pgshift.lint import rules as rules_package
from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from tests.conftest import query, run_cli, tables, write_migrations

PHONE = "ALTER TABLE users ADD COLUMN phone VARCHAR(20) CONSTRAINT phone_unique UNIQUE;\n"


def test_the_how_to_phone_example_gets_the_safe_sequence(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "migrations", {"0007_add_phone.sql": PHONE})
    result = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # warnings only
    findings = json.loads(result.stdout)["findings"]
    by_rule = {f["rule"]: f for f in findings}
    assert "add-unique-constraint" in by_rule
    assert "missing-lock-timeout" not in by_rule  # the runner's default lock_timeout
    safe = by_rule["add-unique-constraint"]["safe"]
    assert "CREATE UNIQUE INDEX CONCURRENTLY" in safe
    assert "UNIQUE USING INDEX" in safe
    assert by_rule["add-unique-constraint"]["line"] == 1
    assert by_rule["add-unique-constraint"]["path"].endswith("0007_add_phone.sql")
    strict = run_cli("lint", str(folder), "--fail-on", "warning", cwd=tmp_path)
    assert strict.returncode == 1
    assert "0007_add_phone.sql:1:1: warning [add-unique-constraint]" in strict.stdout
    (tmp_path / "pgshift.toml").write_text('lock_timeout = "0"\n')  # turned off
    off = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path)
    assert "missing-lock-timeout" in {f["rule"] for f in json.loads(off.stdout)["findings"]}


def test_formats(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_drop.sql": "\n\nDROP TABLE orders;\n"})
    text = run_cli("lint", str(folder), cwd=tmp_path)
    assert text.returncode == 1  # an error-level finding
    assert "0001_drop.sql:3:1: error [drop-table]" in text.stdout
    assert "1 error, 1 info in 1 file" in text.stdout  # and the statement timeout
    github = run_cli("lint", str(folder), "--format", "github", cwd=tmp_path).stdout
    (annotation,) = [line for line in github.splitlines() if "drop-table" in line]
    assert annotation.startswith("::error file=")
    assert ",line=3," in annotation
    assert any(line.startswith("::notice file=") for line in github.splitlines())  # the info
    sarif = json.loads(run_cli("lint", str(folder), "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["version"] == "2.1.0"
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    result = results["drop-table"]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "drop-table"
    assert results["missing-statement-timeout"]["level"] == "note"


def test_acknowledging_on_the_statement_or_for_the_file(tmp_path: Path) -> None:
    statement = "DROP TABLE a;\n-- pgshift:allow drop-table\nDROP TABLE b;\nDROP TABLE c;\n"
    whole = "-- pgshift:allow drop-table\nDROP TABLE a;\nDROP TABLE b;\n"
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": statement, "0002_b.sql": whole})
    out = json.loads(run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout)
    drops = [f for f in out["findings"] if f["rule"] == "drop-table"]
    lines = [(Path(f["path"]).name, f["line"]) for f in drops]
    assert lines == [("0001_a.sql", 1), ("0001_a.sql", 4)]


def test_an_unknown_rule_id_is_an_error_naming_the_line(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m", {"0001_a.sql": "SELECT 1;\n-- pgshift:allow drop-tabel\nDROP TABLE a;\n"}
    )
    result = run_cli("lint", str(folder), cwd=tmp_path)
    assert result.returncode == 2
    assert "0001_a.sql:2" in result.stderr
    assert "drop-tabel" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_turns_rules_off_and_relevels_them(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "migrations", {"0001_a.sql": "DROP TABLE a;\n"})
    config = tmp_path / "pgshift.toml"
    config.write_text('lint_severity = { "drop-table" = "warning" }\n')
    relevelled = json.loads(run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout)
    assert [f["severity"] for f in relevelled["findings"] if f["rule"] == "drop-table"] == [
        "warning"
    ]
    config.write_text('lint_disable = ["drop-table", "missing-lock-timeout"]\n')
    left = json.loads(run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout)
    assert [f["rule"] for f in left["findings"]] == ["missing-statement-timeout"]
    config.write_text('lint_disable = ["drop-tabel"]\n')
    bad = run_cli("lint", str(folder), cwd=tmp_path)
    assert bad.returncode == 2
    assert "pgshift.toml" in bad.stderr
    assert "drop-tabel" in bad.stderr


def test_the_cache_gives_the_same_findings_and_notices_an_edit(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "migrations", {"0001_a.sql": "DROP TABLE a;\n"})
    first = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout
    cache = tmp_path / ".pgshift" / "lint-cache.json"
    assert cache.is_file()
    assert "0001_a.sql" in cache.read_text()
    assert run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout == first
    (folder / "0001_a.sql").write_text("SELECT 1;\n")
    after = json.loads(run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout)
    assert after["findings"] == []
    cache.write_text("{not json")  # a broken cache only costs time
    again = json.loads(run_cli("lint", str(folder), "--format", "json", cwd=tmp_path).stdout)
    assert again["findings"] == []


def test_migrate_refuses_an_error_finding_and_leaves_the_database_untouched(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE keep (id bigint PRIMARY KEY); INSERT INTO keep VALUES (1)")
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "0001_create.sql": "CREATE TABLE other (id bigint PRIMARY KEY);\n",
            "0002_wipe.sql": "SELECT 1;\n\nDELETE FROM keep;\n",
        },
    )
    result = run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path)
    assert result.returncode == 2
    assert "0002_wipe.sql:3" in result.stderr
    assert "unbounded-dml" in result.stderr
    assert "pgshift:allow unbounded-dml" in result.stderr
    assert "Traceback" not in result.stderr
    assert tables(db_url) == {"keep"}  # not even 0001 ran, and no history was written
    assert query(db_url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgshift'") == [(0,)]
    (folder / "0002_wipe.sql").write_text(
        "SELECT 1;\n-- pgshift:allow unbounded-dml\nDELETE FROM keep;\n"
    )
    assert run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path).returncode == 0
    assert tables(db_url) == {"keep", "other"}
    assert query(db_url, "SELECT count(*) FROM keep") == [(0,)]


def test_lint_of_the_pending_migrations_knows_the_table_sizes(db_url: str, tmp_path: Path) -> None:
    query(db_url, "CREATE TABLE big (id bigint); INSERT INTO big SELECT generate_series(1, 5000)")
    query(db_url, "ANALYZE big")
    folder = write_migrations(
        tmp_path / "migrations", {"0001_wipe.sql": "DROP TABLE big;\n", "0002_x.sql": "SELECT 1;\n"}
    )
    result = run_cli("lint", "--dir", str(folder), "--format", "json", url=db_url, cwd=tmp_path)
    out = json.loads(result.stdout)
    assert out["files"] == 2
    (finding,) = [f for f in out["findings"] if f["rule"] == "drop-table"]
    assert "5,000 rows" in finding["message"]
    run_cli("migrate", "--dir", str(folder), "--no-lint", url=db_url, cwd=tmp_path)
    after = json.loads(
        run_cli("lint", "--dir", str(folder), "--format", "json", url=db_url, cwd=tmp_path).stdout
    )
    assert after == {"findings": [], "files": 0, "errors": 0, "warnings": 0, "infos": 0}


DO_COMMIT = (
    "CREATE TABLE accounts (id bigint PRIMARY KEY, plan text);\n"
    "DO $$\nBEGIN\n  UPDATE accounts SET plan = 'free' WHERE id < 1000;\n  COMMIT;\nEND\n$$;\n"
)


def test_lint_flags_what_migrate_refuses_at_its_line_and_in_its_words(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(tmp_path / "migrations", {"0001_backfill.sql": DO_COMMIT})
    lint = run_cli("lint", str(folder), "--format", "json", "--no-cache", cwd=tmp_path)
    assert lint.returncode == 1, lint.stderr
    (finding,) = [f for f in json.loads(lint.stdout)["findings"] if f["severity"] == "error"]
    assert (finding["rule"], finding["line"]) == ("migrate-refuses", 2)
    migrate = run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path)
    assert migrate.returncode == 2
    assert f"0001_backfill.sql:2: {finding['message']}" in migrate.stderr
    assert finding["safe"] in migrate.stderr
    assert tables(db_url) == set()
    no_transaction = "-- pgshift:no-transaction\n" + DO_COMMIT
    (folder / "0001_backfill.sql").write_text(no_transaction)
    clean = run_cli("lint", str(folder), "--format", "json", "--no-cache", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path).returncode == 0
    assert tables(db_url) == {"accounts"}


def test_migrate_runs_an_update_that_sets_a_column_from_a_subquery(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "0001_create.sql": "CREATE TABLE t (id bigint PRIMARY KEY, a int);\n",
            "0002_fill.sql": "UPDATE t SET a = (SELECT 1) WHERE id = 1;\n",
        },
    )
    lint = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path)
    assert "rule-crashed" not in lint.stdout
    result = run_cli("migrate", "--dir", str(folder), url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(2,)]


def _raises(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    raise RuntimeError(f"cannot read {stmt.node}")
    yield


def test_migrate_runs_past_a_rule_that_raises(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Rule("always-raises", "style", Severity.ERROR, "Raises on everything.", _raises)
    monkeypatch.setattr(rules_package, "RULES", (*rules_package.RULES, broken))
    folder = write_migrations(
        tmp_path / "migrations", {"0001_create.sql": "CREATE TABLE kept (id bigint);\n"}
    )
    notes: list[str] = []
    result = pgshift.migrate(db_url, directory=folder, on_event=lambda e: notes.append(e.message))
    assert [r.migration.name for r in result.applied] == ["0001_create.sql"]
    assert tables(db_url) == {"kept"}
    assert any(note.startswith("lint: 1 warning") for note in notes), notes
