"""pgshift tables and pgshift describe, as \\dt and \\d."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pgshift
from tests.conftest import query, run_cli, write_migrations

SCHEMA = """
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
COMMENT ON TABLE users IS 'who logs in';
CREATE TABLE posts (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    title text DEFAULT 'untitled'
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 500) g;
ANALYZE users;
"""


def test_tables_lists_tables_with_estimates_and_sizes(db_url: str) -> None:
    query(db_url, SCHEMA)
    plain = run_cli("tables", url=db_url)
    assert plain.returncode == 0, plain.stderr
    assert "2 tables and views" in plain.stdout
    assert "who logs in" in plain.stdout
    listing = json.loads(run_cli("tables", "--json", url=db_url).stdout)["tables"]
    by_name = {t["name"]: t for t in listing}
    assert set(by_name) == {"users", "posts"}
    assert by_name["users"]["rows"] == 500
    assert by_name["users"]["bytes"] > 8192
    assert by_name["users"]["kind"] == "table"


def test_describe_shows_columns_indexes_and_references_both_ways(db_url: str) -> None:
    query(db_url, SCHEMA)
    posts = run_cli("describe", "posts", url=db_url)
    assert posts.returncode == 0, posts.stderr
    assert "posts_user_id_idx: btree (user_id)" in posts.stdout
    assert "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE" in posts.stdout
    assert "'untitled'::text" in posts.stdout
    users = run_cli("describe", "public.users", url=db_url)
    assert "Referenced by:" in users.stdout
    assert "public.posts posts_user_id_fkey" in users.stdout
    data = json.loads(run_cli("describe", "users", "--json", url=db_url).stdout)
    assert [c["name"] for c in data["columns"]] == ["id", "email"]
    assert data["referenced_by"] == [
        {"table": "public.posts", "constraint": "posts_user_id_fkey", "columns": ["user_id"]}
    ]


def test_describe_a_missing_table(db_url: str) -> None:
    result = run_cli("describe", "nope", url=db_url)
    assert result.returncode == 2
    assert "'nope' does not exist" in result.stderr
    assert "pgshift tables" in result.stderr


def test_docs_check_fails_after_a_migration_and_passes_once_rewritten(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(
        tmp_path / "migrations",
        {"0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"},
    )
    doc = tmp_path / "docs" / "schema.md"
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    written = run_cli("docs", "--output", str(doc), url=db_url)
    assert written.returncode == 0, written.stderr
    assert "| email | text | not null |" in doc.read_text()
    assert run_cli("docs", "--check", "--output", str(doc), url=db_url).returncode == 0

    (folder / "0002_email.sql").write_text("ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n")
    assert run_cli("migrate", "--dir", str(folder), url=db_url).returncode == 0
    stale = run_cli("docs", "--check", "--output", str(doc), url=db_url)
    assert stale.returncode == 1
    assert "+| email | text | null |" in stale.stdout
    assert "stale" in stale.stderr
    assert "| email | text | not null |" in doc.read_text()  # --check changes nothing

    assert run_cli("docs", "--output", str(doc), url=db_url).returncode == 0
    assert run_cli("docs", "--check", "--output", str(doc), url=db_url).returncode == 0


def test_migrate_refreshes_the_docs_it_is_given(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "migrations", {"0001_t.sql": "CREATE TABLE things (id int PRIMARY KEY);\n"}
    )
    doc = tmp_path / "schema.md"
    result = run_cli("migrate", "--docs", str(doc), "--dir", str(folder), url=db_url)
    assert result.returncode == 0, result.stderr
    assert "### public.things" in doc.read_text()
    assert run_cli("docs", "--check", "--output", str(doc), url=db_url).returncode == 0


def test_the_library_returns_the_model_and_the_sizes(db_url: str) -> None:
    query(db_url, SCHEMA)
    result = pgshift.inspect_schema(db_url)
    assert isinstance(result.schema, pgshift.Schema)
    assert [t.name for t in result.schema.tables] == ["posts", "users"]
    users = result.schema.table("users")
    assert users is not None
    assert [c.name for c in users.columns] == ["id", "email"]
    assert result.sizes["public.users"][0] == 500
    assert "pgshift.history" not in result.sizes


def test_dump_writes_through_a_symlink_and_into_a_pipe(db_url: str, tmp_path: Path) -> None:
    query(db_url, SCHEMA)
    target = tmp_path / "real.sql"
    target.write_text("old")
    link = tmp_path / "schema.sql"
    link.symlink_to(target)
    result = run_cli("dump", "--output", str(link), url=db_url)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert "CREATE TABLE public.users" in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.sql", "schema.sql"]
    # a pipe (as /dev/stdout or /dev/null would be) is written to, not replaced by a file
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()), daemon=True)
    reader.start()
    result = run_cli("dump", "--output", str(pipe), url=db_url)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert "CREATE TABLE public.users" in received[0]
