"""The case corpus of ``tests/cases/lint/``: what the linter says of each case, and what
PostgreSQL does with it (see :mod:`tests.lint.corpus` for the format)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import psycopg
import pytest

from pgshift.db.versions import MIN_SERVER_VERSION, OLDEST
from pgshift.lint.engine import LintOptions
from pgshift.lint.files import collect, lint_migrations
from pgshift.lint.model import Finding
from pgshift.migrations.discovery import sql_file
from pgshift.migrations.statements import split
from tests.lint.corpus import Case, cases

CASES = cases()
OFFLINE = [c for c in CASES if not c.live]
LIVE = [c for c in CASES if c.live]
RUN = [c for c in CASES if c.runs]


def _lint_offline(case: Case) -> list[Finding]:
    options = LintOptions(pg_version=case.pg_version, enabled=frozenset(case.enable))
    if case.path.is_dir():
        return lint_migrations(collect([case.path]), options)
    return lint_migrations([sql_file(case.path)], options)


def _check(case: Case, findings: Sequence[Finding]) -> None:
    for file in case.files:
        mine = [f for f in findings if f.path.endswith(file.path.name)]
        for expect in file.expects:
            fired = [f for f in mine if f.rule == expect.rule]
            where = f"{file.path.name}: {case.title}"
            if expect.severity is None:
                assert fired == [], f"{where}: {expect.rule} must not fire:\n{fired}"
                continue
            at = [f for f in fired if f.line == expect.line]
            assert at, f"{where}: {expect.rule} must fire at line {expect.line}; got {fired}"
            assert {f.severity.value for f in at} == {expect.severity}, where
            if expect.safe is not None:
                assert any(expect.safe in f.safe for f in at), (where, [f.safe for f in at])


@pytest.mark.parametrize("case", OFFLINE, ids=lambda c: c.name)
def test_what_lint_says_of_the_case(case: Case) -> None:
    _check(case, _lint_offline(case))


@pytest.mark.parametrize("case", LIVE, ids=lambda c: c.name)
def test_what_lint_says_of_the_case_with_the_live_schema(
    case: Case, db_url: str, server_version: int
) -> None:
    import pgshift

    if server_version < MIN_SERVER_VERSION:
        # pgshift refuses to connect to it (tests/test_versions.py checks the refusal);
        # what lint says offline of a file for such a target is checked without a server
        pytest.skip(f"pgshift connects to PostgreSQL {OLDEST} and later")

    with psycopg.connect(db_url, autocommit=True) as conn:
        for sql in case.live:
            conn.execute(sql.encode())
    result = pgshift.lint(
        [case.path], url=db_url, pg_version=case.pg_version, cache=False, directory=case.path
    )
    _check(case, result.findings)


def _statements(case: Case) -> list[str]:
    migration = sql_file(case.files[-1].path)
    assert migration.up is not None
    return [s.sql for s in split(migration.up)]


@pytest.mark.parametrize("case", RUN, ids=lambda c: c.name)
def test_what_postgresql_does_with_the_case(case: Case, db_url: str, server_version: int) -> None:
    major = server_version // 10000
    if case.needs is not None and major < case.needs:
        pytest.skip(f"the case needs PostgreSQL {case.needs} or later ({case.needs_what})")
    claim = (case.claim(major) or "").split()
    twice = "twice" in claim
    state = next((w for w in claim if re.fullmatch(r"[0-9A-Z]{5}", w)), None)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for sql in case.live:
            conn.execute(sql.encode())
        error: psycopg.Error | None = None
        try:
            if case.no_transaction:
                for attempt in range(2 if twice else 1):
                    # each run in a session of its own: a resumed migration runs in a new one
                    with psycopg.connect(db_url, autocommit=True) as session:
                        for statement in _statements(case):
                            try:
                                session.execute(statement.encode())
                            except psycopg.Error:
                                if attempt == 1 or not twice:
                                    raise
                                raise AssertionError(f"{case.name}: the first run fails") from None
            else:
                with conn.transaction(force_rollback=True):
                    for statement in _statements(case):
                        conn.execute(statement.encode())
        except psycopg.Error as exc:
            error = exc
    if claim[0] == "ok":
        assert error is None, f"{case.name}: PostgreSQL refused it: {error}"
    else:
        assert error is not None, f"{case.name}: PostgreSQL ran it"
        # a server that lacks the syntax bears out no claim (42601 is also "multiple
        # assignments to same column"): the case says what it needs instead
        syntax = error.sqlstate == "42601" and str(error).startswith("syntax error")
        assert not syntax, f"{case.name}: PostgreSQL {major} lacks the syntax: {error}"
        assert error.sqlstate == state, f"{case.name}: {error.sqlstate} {error}"


def test_the_corpus_is_read() -> None:
    assert len(CASES) >= 1
    assert all(c.title for c in CASES), [c.name for c in CASES if not c.title]
    # a case that needs a newer server says what of it
    assert all(c.needs_what for c in CASES if c.needs), [c.name for c in CASES if c.needs]
    assert all(c.runs for c in CASES if c.runs_before or c.needs)
