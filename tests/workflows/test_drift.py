"""``pgshift drift``: the live schema against the one its applied migrations make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgshift.config import load_settings
from pgshift.workflows.drift import drift
from tests.conftest import ROOT, query, run_cli, write_migrations

EXAMPLE = ROOT / "examples" / "saas"

FILES = {
    "0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    "0002_posts.sql": (
        "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users);\n"
        "CREATE INDEX posts_user_id ON posts (user_id);\n"
        "COMMENT ON TABLE posts IS 'what users write';\n"
    ),
}


def _migrated(url: str, tmp_path: Path, files: dict[str, str] = FILES) -> Path:
    (tmp_path / "pgshift.toml").write_text('migrations = "migrations"\n')
    write_migrations(tmp_path / "migrations", files)
    result = run_cli("migrate", url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_a_database_migrated_by_pgshift_has_no_drift(db_url: str, tmp_path: Path) -> None:
    project = _migrated(db_url, tmp_path)
    result = run_cli("drift", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no drift" in result.stdout
    assert "its 2 applied migrations" in result.stdout


def test_a_column_added_and_an_index_dropped_by_hand(db_url: str, tmp_path: Path) -> None:
    project = _migrated(db_url, tmp_path)
    query(db_url, "ALTER TABLE users ADD COLUMN nickname text")
    query(db_url, "DROP INDEX posts_user_id")
    query(db_url, "COMMENT ON TABLE posts IS 'posts'")
    result = run_cli("drift", url=db_url, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "3 differences" in out
    missing = out.index("made by the migrations, missing from the database:")
    extra = out.index("in the database, made by no migration:")
    changed = out.index("different in the database:")
    assert out.index("index public.posts.posts_user_id") > missing
    assert extra < out.index("column public.users.nickname") < changed
    assert "table public.posts: comment: what users write -> posts" in out

    report = run_cli("drift", "--json", url=db_url, cwd=project)
    assert report.returncode == 1
    payload = json.loads(report.stdout)
    assert payload["drifted"] is True
    assert payload["replayed"] == ["0001_users.sql", "0002_posts.sql"]
    found = {(d["kind"], d["name"], d["change"]) for d in payload["differences"]}
    assert found == {
        ("index", "public.posts.posts_user_id", "missing"),
        ("column", "public.users.nickname", "extra"),
        ("table", "public.posts", "changed"),
    }


def test_changed_types_and_tables_made_by_hand(db_url: str, tmp_path: Path) -> None:
    project = _migrated(db_url, tmp_path)
    query(db_url, "ALTER TABLE users ALTER COLUMN email TYPE varchar(200)")
    query(db_url, "ALTER TABLE users ALTER COLUMN email DROP NOT NULL")
    query(db_url, "CREATE TABLE scratchpad (note text)")
    settings = load_settings({"database_url": db_url}, cwd=project, env={})
    result = drift(settings=settings)
    assert result.drifted
    lines = [d.describe("the migrations", "the database") for d in result.differences]
    assert lines == [
        "table public.scratchpad: in the database, not in the migrations",
        "column public.users.email: type: text -> character varying(200); nullable: no -> yes",
    ]


def test_pending_migrations_are_not_drift(db_url: str, tmp_path: Path) -> None:
    project = _migrated(db_url, tmp_path)
    write_migrations(
        project / "migrations", {"0003_tags.sql": "CREATE TABLE tags (name text PRIMARY KEY);\n"}
    )
    result = run_cli("drift", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no drift" in result.stdout
    assert "1 migration not applied" in result.stderr
    assert "0003_tags.sql" in result.stderr


def test_an_edited_applied_migration_is_refused(db_url: str, tmp_path: Path) -> None:
    project = _migrated(db_url, tmp_path)
    path = project / "migrations" / "0001_users.sql"
    path.write_text(path.read_text() + "ALTER TABLE users ADD COLUMN bio text;\n")
    result = run_cli("drift", url=db_url, cwd=project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "0001_users.sql was edited after it was applied" in result.stderr
    assert "hint: " in result.stderr


@pytest.mark.usefixtures("example_server")
def test_the_example_project_has_no_drift_once_migrated(db_url: str) -> None:
    assert run_cli("migrate", url=db_url, cwd=EXAMPLE).returncode == 0
    result = run_cli("drift", url=db_url, cwd=EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "its 8 applied migrations" in result.stdout
    # and grants and owners: a grant by hand is drift; the owner only with --owners
    query(db_url, "GRANT SELECT ON users TO PUBLIC")
    granted = run_cli("drift", url=db_url, cwd=EXAMPLE)
    assert granted.returncode == 1
    assert "grant SELECT on public.users to PUBLIC" in granted.stdout
