"""The lock oracle: what each locking rule claims, checked on the real server.

Every transactional bad example of a rule that declares a :class:`Lock` is run in
``BEGIN ... ROLLBACK`` against :data:`ORACLE_SCHEMA` (populated tables), reading
the strongest lock this backend holds on the rule's table from ``pg_locks`` and
whether the table got a new file (``pg_relation_filenode``: a rewrite). Both must
agree with the rule.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from importlib import import_module

import psycopg
import pytest

from pgshift.lint import rules as rules_package
from pgshift.lint.examples import Example, examples
from pgshift.lint.model import Rule
from pgshift.online.locks import MODES
from tests.conftest import _create_db, _drop_db

# The tables every locking rule's examples act on.
ORACLE_SCHEMA = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email varchar(50),
    name text,
    n integer,
    score integer,
    created_at timestamp
);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    user_id bigint REFERENCES users (id),
    total numeric(10, 2)
);
CREATE INDEX users_n_idx ON users (n);
CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 (at date NOT NULL, kind text);
INSERT INTO users SELECT g, 'u' || g || '@example.org', 'user ' || g, g % 100, g, now()
    FROM generate_series(1, 2000) g;
INSERT INTO orders SELECT g, 1 + g % 2000, g FROM generate_series(1, 2000) g;
INSERT INTO events_2026 SELECT date '2026-01-01' + g, 'k' FROM generate_series(0, 299) g;
ANALYZE;
"""


def _cases() -> list[tuple[Rule, Example]]:
    cases = []
    for info in pkgutil.iter_modules(rules_package.__path__):
        rule: Rule = import_module(f"pgshift.lint.rules.{info.name}").RULE
        if rule.lock is None:
            continue
        cases += [(rule, e) for e in examples(rule.doc) if e.bad and e.transactional]
    return cases


@pytest.fixture(scope="module")
def oracle(server_url: str) -> Iterator[str]:
    name, url = _create_db(server_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(ORACLE_SCHEMA)
    yield url
    _drop_db(server_url, name)


def _skip_unless_about(example: Example, server_version: int) -> None:
    """Skip an example that is not about the server under test: one of another major
    (``pg=N``), or one of PostgreSQL N and later (``since=N``) on an older server."""
    major = server_version // 10000
    if example.pg_version is not None and example.pg_version != major:
        pytest.skip(f"the example is about PostgreSQL {example.pg_version}")
    if example.since is not None and major < example.since:
        pytest.skip(f"the example is about PostgreSQL {example.since} and later, not {major}")


def test_there_are_locking_rules_to_check() -> None:
    assert len({rule.id for rule, _ in _cases()}) >= 15


@pytest.mark.parametrize(
    ("rule", "example"),
    _cases(),
    ids=[f"{rule.id}-{n}" for n, (rule, _) in enumerate(_cases())],
)
def test_the_lock_a_rule_claims_is_the_lock_taken(
    oracle: str, rule: Rule, example: Example, server_version: int
) -> None:
    assert rule.lock is not None
    _skip_unless_about(example, server_version)
    table = rule.lock.table
    with psycopg.connect(oracle, autocommit=True) as conn:
        # by oid: the example may rename the table
        row = conn.execute(
            "SELECT oid, pg_relation_filenode(oid) FROM pg_class WHERE oid = %s::regclass",
            (table,),
        ).fetchone()
        assert row is not None
        oid, before = row
        conn.execute("BEGIN")
        conn.execute(example.sql)
        held = [
            r[0]
            for r in conn.execute(
                "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() "
                "AND relation = %s AND granted",
                (oid,),
            ).fetchall()
        ]
        after_row = conn.execute("SELECT pg_relation_filenode(%s)", (oid,)).fetchone()
        after = after_row[0] if after_row else None
        conn.execute("ROLLBACK")
    strongest = max(held, key=MODES.index) if held else "none"
    assert strongest == rule.lock.mode, f"{rule.id}: took {strongest} on {table}"
    assert (before != after) == rule.lock.rewrite, f"{rule.id}: rewrite is {before != after}"


# What each error-level rule claims, since migrate refuses its findings: data loss (the
# destructive group), a failure PostgreSQL answers with a SQLSTATE (checked below), or
# what migrate itself refuses before running anything (checked by the runner's tests).
FAILS = {
    "add-required-column",
    "enum-add-value-in-transaction",
    "concurrently-in-transaction",
    "duplicate-column",
}
REFUSED_BY_MIGRATE = {"transaction-control-in-file"}


def _error_rules() -> list[Rule]:
    found = []
    for info in pkgutil.iter_modules(rules_package.__path__):
        rule: Rule = import_module(f"pgshift.lint.rules.{info.name}").RULE
        if rule.severity.value == "error":
            found.append(rule)
    return found


def _failing() -> list[tuple[Rule, Example]]:
    return [(r, e) for r in _error_rules() if r.id in FAILS for e in examples(r.doc) if e.bad]


def test_every_error_level_rule_says_what_it_claims() -> None:
    unclaimed = {
        r.id
        for r in _error_rules()
        if r.group != "destructive" and r.id not in FAILS | REFUSED_BY_MIGRATE
    }
    assert unclaimed == set(), "say whether these rules claim a failure or a refusal"


def test_every_failure_claim_names_its_sqlstate() -> None:
    missing = [f"{rule.id}: {e.sql.splitlines()[0]}" for rule, e in _failing() if not e.fails]
    assert missing == [], "give these bad examples fails=SQLSTATE"


@pytest.mark.parametrize(
    ("rule", "example"),
    _failing(),
    ids=[f"{rule.id}-{n}" for n, (rule, _) in enumerate(_failing())],
)
def test_what_a_rule_says_fails_fails(
    oracle: str, rule: Rule, example: Example, server_version: int
) -> None:
    _skip_unless_about(example, server_version)
    error: psycopg.Error | None = None
    with psycopg.connect(oracle, autocommit=True) as conn:
        try:
            if example.transactional:
                with conn.transaction(force_rollback=True):
                    conn.execute(example.sql.encode())
            else:
                # no-transaction examples are checked for what they do when re-run: in a
                # database of their own, since their statements commit
                raise AssertionError(f"{rule.id}: a no-transaction failure needs a case file")
        except psycopg.Error as exc:
            error = exc
    assert error is not None, f"{rule.id}: PostgreSQL ran it:\n{example.sql}"
    assert error.sqlstate == example.fails, f"{rule.id}: {error.sqlstate} {error}"
