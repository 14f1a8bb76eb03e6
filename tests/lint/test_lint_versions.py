"""The lint verdicts that change with the server's version, checked on that server.

Each case is a statement whose effect depends on the major version: a rewrite, a
failure, a syntax the server lacks, a scan it skips. The statement runs on the server
under test (in a transaction rolled back, or in a database of its own); what happened
is read off the server, and the rule, told the server's version, must say exactly that.
The matrix (``python -m tests.matrix 10 11 12 ... 18``) runs these on each side of every
boundary; ``python -m tests.lint.test_lint_versions URL...`` prints the verdicts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.known import from_database
from pgshift.migrations.discovery import sql_file
from tests.conftest import _create_db, _drop_db

SETUP = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (id bigint PRIMARY KEY, n integer, email text);
ALTER TABLE users ADD CONSTRAINT n_not_null CHECK (n IS NOT NULL);
CREATE INDEX users_n_idx ON users (n);
INSERT INTO users SELECT g, g, 'u' || g FROM generate_series(1, 1000) g;
CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events
    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
"""


@dataclass(frozen=True)
class Case:
    """A statement, the rule that judges it, and how to read what the server did."""

    name: str
    rule: str
    sql: str
    # runs the statement on a connection (autocommit) and says whether the hazard
    # the rule warns of happened on this server
    observe: Callable[[psycopg.Connection[tuple[object, ...]], str], bool]
    # what marks the rule's finding as about this hazard (None: any finding of the rule)
    says: str | None = None
    transactional: bool = True


def _rewrites(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> bool:
    """Whether the statement gives users a new file (a rewrite), in a rolled back
    transaction."""
    with conn.transaction(force_rollback=True):
        before = conn.execute("SELECT pg_relation_filenode('users')").fetchone()
        conn.execute(sql)
        after = conn.execute("SELECT pg_relation_filenode('users')").fetchone()
    return before != after


def _fails(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> bool:
    """Whether the statement fails inside a transaction block (rolled back either way)."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(sql)
    except psycopg.errors.ActiveSqlTransaction:
        return True
    return False


def _lacks(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> bool:
    """Whether the server has no such statement (a syntax error), outside a transaction."""
    try:
        conn.execute(sql)
    except psycopg.errors.SyntaxError:
        return True
    return False


def _scans(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> bool:
    """Whether SET NOT NULL reads the table: the server says at DEBUG1 when a check
    constraint spares it the scan (PostgreSQL 12 and later)."""
    spared: list[str] = []
    conn.add_notice_handler(lambda n: spared.append(n.message_primary or ""))
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL client_min_messages = debug1")
            conn.execute(sql)
    finally:
        conn._notice_handlers.clear()
    return not any("sufficient to prove" in text for text in spared)


CASES = (
    Case(
        "a constant default rewrites",
        "add-column-volatile-default",
        "ALTER TABLE users ADD COLUMN flag integer DEFAULT 7",
        _rewrites,
    ),
    Case(
        "ADD VALUE fails in a transaction",
        "enum-add-value-in-transaction",
        "ALTER TYPE mood ADD VALUE 'great'",
        _fails,
        says="fails inside a transaction block",
    ),
    Case(
        "no REINDEX CONCURRENTLY",
        "missing-concurrently-other",
        "REINDEX INDEX users_n_idx",
        lambda conn, _: _lacks(conn, "REINDEX INDEX CONCURRENTLY users_n_idx"),
        says="has no REINDEX CONCURRENTLY",
        transactional=False,
    ),
    Case(
        "no DETACH PARTITION CONCURRENTLY",
        "missing-concurrently-other",
        "ALTER TABLE events DETACH PARTITION events_2026",
        lambda conn, _: _lacks(
            conn, "ALTER TABLE events DETACH PARTITION events_2026 CONCURRENTLY"
        ),
        says="has no DETACH PARTITION CONCURRENTLY",
        transactional=False,
    ),
    Case(
        "SET NOT NULL scans despite a validated check",
        "set-not-null",
        "ALTER TABLE users ALTER COLUMN n SET NOT NULL",
        _scans,
    ),
)


def _database(server_url: str) -> Iterator[str]:
    name, url = _create_db(server_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
    try:
        yield url
    finally:
        _drop_db(server_url, name)


def verdict(url: str, case: Case) -> tuple[bool, bool]:
    """(what the server did, what the rule says), on the server of ``url``."""
    with psycopg.connect(url, autocommit=True) as conn:
        major = conn.info.server_version // 10000
        # the live schema, as 'pgshift lint --url' reads it: the check that proves n
        known = from_database(conn)
        happened = case.observe(conn, case.sql)
    text = case.sql if case.transactional else f"-- pgshift:no-transaction\n{case.sql}"
    findings = lint_migration(
        sql_file(Path(f"{case.rule}.sql"), text + ";\n"),
        LintOptions(pg_version=major, known=known),
    )
    said = any(
        f.rule == case.rule and (case.says is None or case.says in f.message) for f in findings
    )
    return happened, said


@pytest.fixture
def versions_db(server_url: str) -> Iterator[str]:
    yield from _database(server_url)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_rule_says_what_this_server_does(versions_db: str, case: Case) -> None:
    happened, said = verdict(versions_db, case)
    assert said == happened, (
        f"{case.rule} on {case.sql!r}: the server "
        f"{'did' if happened else 'did not'} show the hazard, the rule "
        f"{'warned' if said else 'did not warn'}"
    )


def main(urls: list[str]) -> None:
    """Print each case's verdict on the servers of ``urls``, one column per version."""
    columns = []
    for url in urls:
        with psycopg.connect(url) as conn:
            major = conn.info.server_version // 10000
        found = {}
        for case in CASES:
            database = _database(url)
            db = next(database)
            try:
                found[case.name] = verdict(db, case)
            finally:
                database.close()
        columns.append((major, found))
    print("| case | rule | " + " | ".join(str(m) for m, _ in columns) + " |")
    print("| --- | --- |" + " --- |" * len(columns))
    for case in CASES:
        cells = []
        for _, found in columns:
            happened, said = found[case.name]
            mark = "warns" if said else "no warning"
            cells.append(mark if happened == said else f"{mark} (WRONG)")
        print(f"| {case.name} | `{case.rule}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
