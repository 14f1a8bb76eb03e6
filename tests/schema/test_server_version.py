"""A diff for a server that cannot make a change says so, instead of writing SQL that
fails there: ALTER COLUMN ... DROP EXPRESSION came with PostgreSQL 13."""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from pgshift.schema.introspect import inspect
from pgshift.schema.sql import diff_script
from tests.conftest import run_cli

GENERATED = (
    "CREATE TABLE people (first text, last text, "
    "full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED)"
)
PLAIN = "CREATE TABLE people (first text, last text, full_name text)"


def _databases(new_db: Callable[[], str]) -> tuple[str, str]:
    a, b = new_db(), new_db()
    for url, text in ((a, GENERATED), (b, PLAIN)):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(text)
    return a, b


def test_the_script_for_12_says_what_it_cannot_write(new_db: Callable[[], str]) -> None:
    a, b = _databases(new_db)
    with psycopg.connect(a) as conn:
        before = inspect(conn)
    with psycopg.connect(b) as conn:
        after = inspect(conn)
    for_12 = diff_script(before, after, server_version=120022)
    assert not for_12.steps
    assert "-- not written: column public.people.full_name" in for_12.sql
    assert "DROP EXPRESSION, which came with PostgreSQL 13" in for_12.sql
    for_13 = diff_script(before, after, server_version=130000)
    assert "ALTER COLUMN full_name DROP EXPRESSION" in for_13.sql
    assert not for_13.unwritten


def test_pgshift_diff_writes_for_the_server_it_reads(
    new_db: Callable[[], str], server_version: int
) -> None:
    a, b = _databases(new_db)
    result = run_cli("diff", "--from", a, "--to", b)
    if server_version < 130000:
        assert "ALTER COLUMN full_name DROP EXPRESSION" not in result.stdout
        assert "came with PostgreSQL 13; the server runs 12" in result.stdout
        assert "-- not written: column public.people.full_name" in result.stdout
    else:
        assert "DROP EXPRESSION" in result.stdout
        with psycopg.connect(a, autocommit=True) as conn:
            conn.execute(result.stdout.encode())
            assert inspect(conn) == _model(b)


def _model(url: str) -> object:
    with psycopg.connect(url) as conn:
        return inspect(conn)
