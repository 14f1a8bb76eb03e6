"""``pgshift diff`` between sources, and ``pgshift generate`` from a schema file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import query, run_cli, write_migrations

FIRST = "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n"


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pgshift.toml").write_text('migrations = "migrations"\n')
    write_migrations(tmp_path / "migrations", files)
    return tmp_path


def test_diff_between_every_kind_of_source(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    schema = project / "schema.sql"
    schema.write_text(FIRST + "CREATE INDEX users_name_idx ON users (name);\n")
    # the database is empty: from it to the migrations, everything is to create
    result = run_cli("diff", url=db_url, cwd=project)
    assert result.returncode == 1, result.stderr
    assert "-- from database" in result.stdout
    assert "CREATE TABLE public.users" in result.stdout
    # from the migrations to the schema file: the index
    result = run_cli("diff", "--from", "migrations", "--to", "schema.sql", url=db_url, cwd=project)
    assert result.returncode == 1, result.stderr
    assert "CREATE INDEX users_name_idx ON public.users USING btree (name);" in result.stdout
    assert "CREATE TABLE" not in result.stdout
    # the same, as JSON
    result = run_cli(
        "diff", "--from", "migrations", "--to", "schema.sql", "--json", url=db_url, cwd=project
    )
    steps = json.loads(result.stdout)["steps"]
    assert [(s["kind"], s["action"], s["phase"]) for s in steps] == [("index", "create", "indexes")]
    # no difference: exit 0
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    same = run_cli("diff", url=db_url, cwd=project)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "no difference" in same.stderr
    # empty to the database: what the whole schema takes
    empty = run_cli("diff", "--from", "empty", "--to", db_url, url=db_url, cwd=project)
    assert empty.returncode == 1
    assert "CREATE TABLE public.users" in empty.stdout


def test_diff_refuses_to_destroy_unless_allowed(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    (project / "schema.sql").write_text("CREATE TABLE users (id bigint PRIMARY KEY);\n")
    refused = run_cli("diff", "--from", "migrations", "--to", "schema.sql", url=db_url, cwd=project)
    assert refused.returncode == 2
    assert "destroys data" in refused.stderr
    assert "DROP COLUMN name" in refused.stderr
    assert "--allow-destructive" in refused.stderr
    allowed = run_cli(
        "diff", "--from", "migrations", "--to", "schema.sql", "--allow-destructive",
        url=db_url, cwd=project,
    )  # fmt: skip
    assert allowed.returncode == 1
    assert "ALTER TABLE public.users DROP COLUMN name;" in allowed.stdout
    assert "1 destroying data" in allowed.stdout


def test_a_rename_is_a_rename(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    (project / "schema.sql").write_text(
        "CREATE TABLE users (id bigint PRIMARY KEY, full_name text NOT NULL);\n"
    )
    result = run_cli("diff", "--from", "migrations", "--to", "schema.sql", url=db_url, cwd=project)
    assert result.returncode == 1, result.stderr
    assert "RENAME COLUMN name TO full_name" in result.stdout
    assert "DROP COLUMN" not in result.stdout


def test_bad_sources_are_one_paragraph(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    missing = run_cli("diff", "--to", "nothere.sql", url=db_url, cwd=project)
    assert missing.returncode == 2
    assert "nothere.sql: no such schema file" in missing.stderr
    (project / "broken.sql").write_text(
        "CREATE TABLE a (id bigint);\nCREATE TABLE b (x nosuchtype);\n"
    )
    broken = run_cli("diff", "--to", "broken.sql", url=db_url, cwd=project)
    assert broken.returncode == 2
    assert "broken.sql:2:" in broken.stderr
    assert 'type "nosuchtype" does not exist' in broken.stderr
    assert "Traceback" not in broken.stderr


def test_generate_writes_the_next_migration_the_safe_way(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    query(db_url, "INSERT INTO users VALUES (1, 'ann')")
    (project / "schema.sql").write_text(
        FIRST
        + "ALTER TABLE users ADD COLUMN email text;\n"
        + "CREATE INDEX users_email_idx ON users (email);\n"
        + "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n"
    )
    result = run_cli("generate", "add_posts", "--from", "schema.sql", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    files = sorted(p.name for p in (project / "migrations").iterdir())
    # the index is built CONCURRENTLY, so it gets a migration of its own
    assert files[0] == "0001_users.sql"
    assert files[1].startswith("0002_add_posts")
    assert len(files) >= 3, files
    texts = [(project / "migrations" / f).read_text() for f in files[1:]]
    assert any("CREATE INDEX CONCURRENTLY" in t and "pgshift:no-transaction" in t for t in texts)
    assert all("-- pgshift:down" in t for t in texts)
    lint = run_cli("lint", "migrations", "--format", "json", cwd=project)
    findings = json.loads(lint.stdout)["findings"]
    assert [f for f in findings if f["severity"] in ("error", "warning")] == []
    # the migrations now make the schema file's schema, and apply on the live database
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    same = run_cli("diff", "--to", "schema.sql", url=db_url, cwd=project)
    assert same.returncode == 0, same.stdout + same.stderr
    assert query(db_url, "SELECT name FROM users") == [("ann",)]
    # and down and up again work: verify checks them all
    verify = run_cli("verify", url=db_url, cwd=project)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    again = run_cli("generate", "again", "--from", "schema.sql", url=db_url, cwd=project)
    assert again.returncode == 0
    assert "nothing to generate" in again.stderr


def test_generate_refuses_a_destructive_change_unless_allowed(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    (project / "schema.sql").write_text("CREATE TABLE users (id bigint PRIMARY KEY);\n")
    refused = run_cli("generate", "drop_name", "--from", "schema.sql", url=db_url, cwd=project)
    assert refused.returncode == 2
    assert "destroys data" in refused.stderr
    assert sorted(p.name for p in (project / "migrations").iterdir()) == ["0001_users.sql"]
    allowed = run_cli(
        "generate", "drop_name", "--from", "schema.sql", "--allow-destructive",
        url=db_url, cwd=project,
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    text = (project / "migrations" / "0002_drop_name.sql").read_text()
    assert text.startswith("-- pgshift:allow drop-column")
    assert "DROP COLUMN name" in text
    assert "-- pgshift:down" in text
    assert "ADD COLUMN name text" in text


def test_a_column_wanted_mid_table_is_added_at_the_end_and_said(
    db_url: str, tmp_path: Path
) -> None:
    """PostgreSQL appends columns: generate writes the column, says where it lands, and
    diff keeps saying the order differs (exit 1) rather than "no difference"."""
    project = _project(tmp_path, {"0001_users.sql": FIRST})
    (project / "schema.sql").write_text(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text NOT NULL);\n"
    )
    result = run_cli("generate", "add_email", "--from", "schema.sql", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "column order: the script leaves (id, name, email), wanted (id, email, name)" in (
        result.stderr
    )
    text = (project / "migrations" / "0002_add_email.sql").read_text()
    assert "ADD COLUMN email text" in text
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    left = run_cli("diff", "--to", "schema.sql", url=db_url, cwd=project)
    assert left.returncode == 1, left.stdout + left.stderr
    assert "-- not written: table public.users: column order: (id, name, email) -> " in left.stdout
