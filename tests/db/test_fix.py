"""pgshift fix: each rewrite, applied to a populated table, ends in the schema the unsafe
original makes (same columns, constraints valid, indexes valid), and lints clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgshift.introspect import inspect
from pgshift.schema import Schema
from tests.conftest import query, run_cli, write_migrations

POPULATED = """
CREATE TABLE users (id bigint NOT NULL, email text, name text, score integer,
                    CONSTRAINT users_pkey PRIMARY KEY (id));
CREATE INDEX users_score_idx ON users (score);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
CREATE TABLE plain (id bigint NOT NULL, label text);
INSERT INTO users SELECT g, 'u' || g || '@example.org', 'user ' || g, g
    FROM generate_series(1, 5000) g;
INSERT INTO orders SELECT g, 1 + g % 5000 FROM generate_series(1, 5000) g;
INSERT INTO plain SELECT g, 'x' FROM generate_series(1, 5000) g;
"""

CASES = {
    "add_column_unique": (
        "ALTER TABLE users ADD COLUMN phone VARCHAR(20) CONSTRAINT phone_unique UNIQUE;"
    ),
    "add_constraint_unique": "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    "primary_key": "ALTER TABLE plain ADD PRIMARY KEY (id);",
    "create_index": "CREATE INDEX users_name_idx ON users (name);",
    "drop_index": "DROP INDEX users_score_idx;",
    "reindex": "REINDEX TABLE users;",
    "foreign_key": (
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) "
        "REFERENCES users (id);"
    ),
    "unnamed_foreign_key": "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;",
    "check": "ALTER TABLE users ADD CONSTRAINT users_score_check CHECK (score >= 0);",
    "set_not_null": "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    "volatile_default": (
        "ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();"
    ),
    "several": (
        "ALTER TABLE users ADD COLUMN plan text;\n"
        "CREATE INDEX users_plan_idx ON users (plan);\n"
        "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n"
    ),
}


def _model(url: str) -> Schema:
    with psycopg.connect(url) as conn:
        return inspect(conn)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_rewrite_ends_in_the_same_schema(
    case: str, new_db: Callable[[], str], tmp_path: Path
) -> None:
    unsafe, fixed = new_db(), new_db()
    for url in (unsafe, fixed):
        query(url, POPULATED)
    query(unsafe, CASES[case])  # as psql would run it
    folder = write_migrations(tmp_path / "migrations", {"0001_change.sql": CASES[case] + "\n"})
    written = run_cli("fix", "--write", str(folder / "0001_change.sql"), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "wrote" in written.stdout
    lint = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path)
    findings = json.loads(lint.stdout)["findings"]
    left = [f for f in findings if f["severity"] in ("error", "warning")]
    assert not left, left  # the rewrite lints clean
    result = run_cli("migrate", "--dir", str(folder), url=fixed, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _model(fixed) == _model(unsafe)
    invalid = query(
        fixed,
        "SELECT (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
        "ON n.oid = c.connamespace WHERE NOT c.convalidated AND n.nspname = 'public'), "
        "(SELECT count(*) FROM pg_index WHERE NOT indisvalid)",
    )
    assert invalid == [(0, 0)]


def test_a_statement_with_nothing_to_fix_is_left_alone(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m", {"0001_a.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n"}
    )
    result = run_cli("fix", str(folder / "0001_a.sql"), cwd=tmp_path)
    assert result.returncode == 0
    assert "nothing to fix" in result.stderr


def test_write_refuses_when_newer_migrations_follow(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {"0001_a.sql": CASES["create_index"] + "\nSELECT 1;\n", "0002_b.sql": "SELECT 1;\n"},
    )
    result = run_cli("fix", "--write", str(folder / "0001_a.sql"), cwd=tmp_path)
    assert result.returncode == 2
    assert "0002_b.sql comes after it" in result.stderr
    assert (folder / "0001_a.sql").read_text().startswith("CREATE INDEX users_name_idx")
