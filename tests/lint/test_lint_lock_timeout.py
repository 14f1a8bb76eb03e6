"""missing-lock-timeout tells the story `pgshift migrate` lives: the runner sets a 5 s
lock_timeout for every migration unless it is turned off, in a project or outside one,
and `pgshift lint FILE` (and the rule's documentation) says the same."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgshift.config import load_settings
from pgshift.lint.engine import lint_migration
from pgshift.lint.examples import examples
from pgshift.lint.files import options_from
from pgshift.lint.rules.missing_lock_timeout import RULE
from pgshift.migrations.discovery import sql_file
from tests.conftest import cli_env, run_cli, write_migrations

ALTER = "ALTER TABLE users ADD COLUMN phone text;\n"
# what the migration saw: the lock_timeout the runner set
SEEN = "CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock_timeout;\n"


@pytest.mark.parametrize("n", range(len(examples(RULE.doc))))
def test_the_doc_examples_are_what_pgshift_lint_says_outside_a_project(
    tmp_path: Path, n: int
) -> None:
    example = examples(RULE.doc)[n]
    options = options_from(load_settings(env={}, cwd=tmp_path))  # no pgshift.toml
    assert options.lock_timeout  # the runner's default
    findings = lint_migration(sql_file(Path("m.sql"), example.sql), options)
    fired = [f for f in findings if f.rule == RULE.id]
    assert bool(fired) == example.bad, example.sql


def _lint(folder: Path, cwd: Path, **env: str) -> set[str]:
    result = run_cli("lint", str(folder), "--format", "json", cwd=cwd, env=cli_env(**env))
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def _migrate_sees(folder: Path, cwd: Path, url: str, **env: str) -> str:
    result = run_cli("migrate", "--dir", str(folder), cwd=cwd, env=cli_env(url, **env))
    assert result.returncode == 0, result.stderr
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT lock_timeout FROM seen").fetchone()
        conn.execute("DROP TABLE seen")
    assert row is not None
    return str(row[0])


def test_lint_and_migrate_agree_in_and_outside_a_project(tmp_path: Path, db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id bigint PRIMARY KEY)")
    lint_dir = write_migrations(tmp_path / "lint", {"0001_phone.sql": ALTER})
    run_dir = write_migrations(tmp_path / "run", {"0001_seen.sql": SEEN})

    outside = tmp_path / "outside"  # no pgshift.toml here or above
    outside.mkdir()
    assert RULE.id not in _lint(lint_dir, outside)
    assert _migrate_sees(run_dir, outside, db_url) == "5s"

    project = tmp_path / "project"  # a pgshift.toml that does not set lock_timeout
    project.mkdir()
    (project / "pgshift.toml").write_text('schema = "pgshift_p"\n')
    assert RULE.id not in _lint(lint_dir, project)
    assert _migrate_sees(run_dir, project, db_url) == "5s"

    (project / "pgshift.toml").write_text('schema = "pgshift_q"\nlock_timeout = "0"\n')
    assert RULE.id in _lint(lint_dir, project)
    assert _migrate_sees(run_dir, project, db_url) == "0"

    assert RULE.id in _lint(lint_dir, outside, PGSHIFT_LOCK_TIMEOUT="0")

    off = write_migrations(
        tmp_path / "off", {"0001_phone.sql": "-- pgshift:lock-timeout 0\n" + ALTER}
    )
    assert RULE.id in _lint(off, outside)
