"""Observed locks: the pending migrations run on a scratch copy of the schema.

The copy holds the structure only (``pgshift dump`` of the live schema, loaded into
a new database on the same server). Each migration runs there in a transaction,
statement by statement; after each one the locks this session holds and the tables
whose file changed (a rewrite) are read, then the next migration sees its effect.
The scratch database is dropped at the end. Nothing touches the real database.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from pgshift.config import Settings
    from pgshift.events import EventHandler
    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.statements import Statement

MODES = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)

_LOCKS = """
SELECT n.nspname || '.' || c.relname, l.mode
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND l.granted AND c.relkind IN ('r', 'p', 'm')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
"""
_FILES = """
SELECT n.nspname || '.' || c.relname, c.relfilenode
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
"""


@dataclass(frozen=True, slots=True)
class Observed:
    """What one statement did on the scratch copy, and what the linter said of it."""

    path: str
    line: int
    statement: str
    locks: tuple[tuple[str, str], ...]  # (table, strongest mode it took), by table
    rewritten: tuple[str, ...]
    predicted: tuple[str, ...]  # "rule-id: Mode" of lint findings that claim a lock
    note: str = ""  # why nothing could be observed, when so


def _strongest(pairs: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    best: dict[str, str] = {}
    for table, mode in pairs:
        if mode in MODES and (table not in best or MODES.index(mode) > MODES.index(best[table])):
            best[table] = mode
    return tuple(sorted(best.items()))


def _predictions(migration: Migration, statements: tuple[Statement, ...]) -> dict[int, list[str]]:
    from pgshift.lint.engine import LintOptions, lint_migration
    from pgshift.lint.rules import RULES

    claims = {r.id: r.lock for r in RULES if r.lock is not None}
    found: dict[int, list[str]] = {}
    for finding in lint_migration(migration, LintOptions(), statements):
        lock = claims.get(finding.rule)
        if lock is not None:
            rewrite = ", rewrite" if lock.rewrite else ""
            found.setdefault(finding.line, []).append(f"{finding.rule}: {lock.mode}{rewrite}")
    return found


def observe(
    admin: psycopg.Connection[Any],
    url: str,
    schema_sql: str,
    pending: Sequence[tuple[Migration, tuple[Statement, ...]]],
) -> list[Observed]:
    """Run ``pending`` on a scratch database built from ``schema_sql``; report each statement.

    ``admin`` (autocommit) creates and drops the scratch database on the server of ``url``.
    """
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from pgshift.db.scratch import drop_database

    name = f"pgshift_scratch_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    report: list[Observed] = []
    try:
        with psycopg.connect(make_conninfo(url, dbname=name), autocommit=True) as conn:
            conn.execute(schema_sql)
            for migration, statements in pending:
                report += _run(conn, migration, statements)
    finally:
        drop_database(admin, name)
    return report


def _run(
    conn: psycopg.Connection[Any], migration: Migration, statements: tuple[Statement, ...]
) -> list[Observed]:
    import psycopg

    predicted = _predictions(migration, statements)
    path = str(migration.path)
    out: list[Observed] = []
    transactional = migration.directives.transaction
    if transactional:
        conn.execute("BEGIN")
    try:
        for statement in statements:
            first = statement.sql.split("\n", 1)[0].strip()
            hints = tuple(predicted.get(statement.line, ()))
            if statement.outside_transaction or not transactional:
                try:
                    conn.execute(statement.sql)
                except psycopg.Error as exc:
                    note = f"failed on the copy: {str(exc).strip().splitlines()[0]}"
                    out.append(Observed(path, statement.line, first, (), (), hints, note))
                    return out
                note = "ran outside a transaction: its locks end with it, not observed"
                out.append(Observed(path, statement.line, first, (), (), hints, note))
                continue
            before_locks = set(conn.execute(_LOCKS).fetchall())
            before_files = dict(conn.execute(_FILES).fetchall())
            try:
                conn.execute(statement.sql)
            except psycopg.Error as exc:
                note = f"failed on the copy: {str(exc).strip().splitlines()[0]}"
                out.append(Observed(path, statement.line, first, (), (), hints, note))
                conn.execute("ROLLBACK")
                return out
            after_locks = set(conn.execute(_LOCKS).fetchall()) - before_locks
            after_files = dict(conn.execute(_FILES).fetchall())
            rewritten = tuple(
                sorted(
                    t for t, f in after_files.items() if t in before_files and before_files[t] != f
                )
            )
            out.append(
                Observed(
                    path, statement.line, first, _strongest(list(after_locks)), rewritten, hints
                )
            )
        if transactional:
            conn.execute("COMMIT")
    except BaseException:
        if transactional and not conn.broken:
            conn.execute("ROLLBACK")
        raise
    return out


def observe_pending(settings: Settings, on_event: EventHandler | None) -> tuple[Observed, ...]:
    """The locks each pending migration takes, observed on a scratch copy of the schema."""
    from pgshift.migrations.discovery import project_migrations
    from pgshift.migrations.plan import make_plan
    from pgshift.migrations.runner import Runner
    from pgshift.migrations.session import open_session, status_of
    from pgshift.schema.dump import render
    from pgshift.schema.introspect import inspect

    migrations = project_migrations(settings).migrations
    with open_session(settings, write=False, on_event=on_event) as session:
        status = status_of(session, migrations)
        steps = make_plan(status, allow_out_of_order=settings.allow_out_of_order)
        pending = [
            (step.migration, Runner.prepare(step.migration))
            for step in steps
            if step.migration.language == "sql"
        ]
        if not pending:
            return ()
        model = inspect(session.conn, exclude=(settings.schema,))
        return tuple(observe(session.conn, session.url, render(model), pending))
