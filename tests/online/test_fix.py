"""pgshift fix: each rewrite, applied to a populated table, ends in the schema the unsafe
original makes (same columns, constraints valid, indexes valid), and lints clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgshift.schema.introspect import inspect
from pgshift.schema.model import Schema
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
    "update_every_row": "UPDATE users SET name = upper(email);",
    "update_beside_a_schema_change": (
        "ALTER TABLE users ADD COLUMN plan text;\n"
        "UPDATE users SET plan = 'free' WHERE score > 10;\n"
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


def _gen_random_uuid(*urls: str) -> None:
    """gen_random_uuid() is built in from PostgreSQL 13; before, pgcrypto brings it."""
    [(version, pgcrypto)] = query(
        urls[0],
        "SELECT current_setting('server_version_num')::int, "
        "(SELECT count(*) FROM pg_available_extensions WHERE name = 'pgcrypto')",
    )
    if int(str(version)) >= 130000:
        return
    if not pgcrypto:
        pytest.skip("gen_random_uuid() needs PostgreSQL 13, or pgcrypto, which is not installed")
    for url in urls:
        query(url, "CREATE EXTENSION pgcrypto")


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_rewrite_ends_in_the_same_schema(
    case: str, new_db: Callable[[], str], tmp_path: Path
) -> None:
    unsafe, fixed = new_db(), new_db()
    for url in (unsafe, fixed):
        query(url, POPULATED)
    if case == "volatile_default":
        _gen_random_uuid(unsafe, fixed)
    query(unsafe, CASES[case])  # as psql would run it
    folder = write_migrations(tmp_path / "migrations", {"0001_change.sql": CASES[case] + "\n"})
    written = run_cli("fix", "--write", str(folder / "0001_change.sql"), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "wrote" in written.stdout
    lint = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path)
    findings = json.loads(lint.stdout)["findings"]
    left = [f for f in findings if f["severity"] in ("error", "warning")]
    assert not left, left  # the rewrite lints clean
    for path in folder.glob("*.sql"):
        text = path.read_text()
        builds = "CREATE UNIQUE INDEX CONCURRENTLY" in text or "REINDEX TABLE CONCURRENTLY" in text
        builds = builds or "CREATE INDEX CONCURRENTLY" in text
        # an online build leaves the application its cores
        assert ("SET max_parallel_maintenance_workers = 0;" in text) is builds, text
    result = run_cli("migrate", "--dir", str(folder), url=fixed, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _model(fixed) == _model(unsafe)
    if case != "volatile_default":  # random values differ by nature
        for table in ("users", "orders", "plain"):
            assert _rows(fixed, table) == _rows(unsafe, table)
    if case.startswith("update"):
        assert "backfill of users done in" in result.stderr  # progress is shown
    invalid = query(
        fixed,
        "SELECT (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
        "ON n.oid = c.connamespace WHERE NOT c.convalidated AND n.nspname = 'public'), "
        "(SELECT count(*) FROM pg_index WHERE NOT indisvalid)",
    )
    assert invalid == [(0, 0)]


def test_an_update_that_reads_what_it_sets_is_left_with_the_reason(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m", {"0001_a.sql": "UPDATE users SET score = score + 1;\n"}
    )
    result = run_cli("fix", str(folder / "0001_a.sql"), cwd=tmp_path)
    assert "UPDATE left as it is: it reads a column it sets" in result.stderr
    assert "nothing to fix" in result.stderr


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


TYPED = """
CREATE TABLE events (
    id serial PRIMARY KEY,
    owner integer REFERENCES orders (id),
    amount integer NOT NULL DEFAULT 0 CONSTRAINT events_amount_check CHECK (amount > -5),
    amount_copy integer NOT NULL DEFAULT 0,
    code integer UNIQUE,
    note text
);
COMMENT ON COLUMN events.amount IS 'in cents';
CREATE INDEX events_amount_idx ON events (amount) WHERE amount > 10;
INSERT INTO events (owner, amount, amount_copy, code, note)
    SELECT 1 + g % 5000, g % 100, g % 100, CASE WHEN g % 3 = 0 THEN NULL ELSE g END, 'n'
    FROM generate_series(1, 5000) g;
"""

TYPE_CASES = {
    "type_indexed_column": "ALTER TABLE users ALTER COLUMN score TYPE bigint;",
    "type_serial_primary_key": "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
    "type_constrained_column": "ALTER TABLE events ALTER COLUMN amount TYPE bigint;",
    "type_unique_nullable": "ALTER TABLE events ALTER COLUMN code TYPE bigint;",
    "type_foreign_key": "ALTER TABLE events ALTER COLUMN owner TYPE bigint;",
}


def _by_name(model: Schema) -> Schema:
    """The model with each table's columns sorted by name: the online swap moves the
    changed column to the end, the one difference it is allowed."""
    from dataclasses import replace

    tables = tuple(
        replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name))) for t in model.tables
    )
    return replace(model, tables=tables)


def _rows(url: str, table: str) -> list[object]:
    return [r[0] for r in query(url, f"SELECT to_jsonb(t) FROM {table} t ORDER BY id")]


@pytest.mark.parametrize("case", sorted(TYPE_CASES))
def test_a_type_change_rewrite_ends_in_the_same_schema_and_rows(
    case: str, new_db: Callable[[], str], tmp_path: Path
) -> None:
    unsafe, fixed = new_db(), new_db()
    for url in (unsafe, fixed):
        query(url, POPULATED + TYPED)
    query(unsafe, TYPE_CASES[case])
    folder = write_migrations(tmp_path / "migrations", {"0001_change.sql": TYPE_CASES[case]})
    written = run_cli(
        "fix", "--write", "--url", fixed, str(folder / "0001_change.sql"), cwd=tmp_path
    )
    assert written.returncode == 0, written.stderr
    assert "new column, trigger, backfill, swap" in written.stderr
    lint = run_cli("lint", str(folder), "--format", "json", cwd=tmp_path)
    findings = json.loads(lint.stdout)["findings"]
    assert not [f for f in findings if f["severity"] in ("error", "warning")], findings
    result = run_cli("migrate", "--dir", str(folder), url=fixed, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _by_name(_model(fixed)) == _by_name(_model(unsafe))
    table = TYPE_CASES[case].split()[2]
    assert _rows(fixed, table) == _rows(unsafe, table)
    assert query(fixed, "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == [(0,)]
    leftovers = query(
        fixed,
        "SELECT (SELECT count(*) FROM pg_proc WHERE proname LIKE '%pgshift'), "
        "(SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%pgshift')",
    )
    assert leftovers == [(0, 0)]


def test_a_type_change_keeps_up_with_writes_made_while_it_runs(
    new_db: Callable[[], str], tmp_path: Path
) -> None:
    import threading

    url = new_db()
    query(url, POPULATED + TYPED)
    change = "ALTER TABLE events ALTER COLUMN amount TYPE bigint;"
    folder = write_migrations(tmp_path / "migrations", {"0001_change.sql": change})
    written = run_cli("fix", "--write", "--url", url, str(folder / "0001_change.sql"), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    stop = threading.Event()
    writes = 0

    def write() -> None:
        # each write changes amount and its shadow copy alike: after the swap they must
        # still agree, whichever step each write fell in
        nonlocal writes
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.is_set():
                conn.execute(
                    "UPDATE events SET amount = amount + 7, amount_copy = amount_copy + 7 "
                    "WHERE id = 1 + (random() * 4999)::int"
                )
                conn.execute("INSERT INTO events (owner, amount, amount_copy) VALUES (1, 50, 50)")
                writes += 2

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = run_cli("migrate", "--dir", str(folder), url=url, cwd=tmp_path)
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    assert writes > 20
    assert query(url, "SELECT count(*) FROM events WHERE amount IS DISTINCT FROM amount_copy") == [
        (0,)
    ]
    assert query(
        url,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'events' AND column_name = 'amount'",
    ) == [("bigint",)]


def test_a_type_change_the_swap_cannot_carry_is_left_with_the_reason(
    new_db: Callable[[], str], tmp_path: Path
) -> None:
    url = new_db()
    query(url, POPULATED + TYPED + "CREATE VIEW big_events AS SELECT id, amount FROM events;")
    change = "ALTER TABLE events ALTER COLUMN amount TYPE bigint;\n"
    folder = write_migrations(tmp_path / "migrations", {"0001_change.sql": change})
    result = run_cli("fix", "--url", url, str(folder / "0001_change.sql"), cwd=tmp_path)
    assert "left as it is: the view public.big_events reads it" in result.stderr
    assert "nothing to fix" in result.stderr
    change = "ALTER TABLE events ALTER COLUMN code TYPE bigint USING code * 100;\n"
    (folder / "0001_change.sql").write_text(change)
    narrowing = run_cli("fix", "--url", url, str(folder / "0001_change.sql"), cwd=tmp_path)
    assert "left as it is: it may change or reject values" in narrowing.stderr
    (folder / "0001_change.sql").write_text("ALTER TABLE events ALTER COLUMN amount TYPE bigint;")
    without = run_cli("fix", str(folder / "0001_change.sql"), cwd=tmp_path, env={"PATH": ""})
    assert "it needs the live table" in without.stderr
