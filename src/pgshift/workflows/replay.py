"""Replay migrations one at a time on a scratch database, reading the schema between.

``drift`` and ``verify`` build the schema the migration files make here: the
runner of ``migrate`` (same transactions, timeouts and history) without the
plan's checks, the lint or the backups, which belong to real databases.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from pgshift.config import Settings
from pgshift.events import RunResult
from pgshift.migrations.discovery import Migration
from pgshift.migrations.runner import Runner
from pgshift.migrations.session import open_session, runner_for
from pgshift.schema.model import Schema

_TABLES = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND n.nspname <> %s
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""


@dataclass(slots=True)
class Replay:
    """A runner on one scratch database, and what it needs to read the result."""

    settings: Settings
    runner: Runner
    conn: Any  # the runner's connection (autocommit)
    reader: Any  # a second connection: inspect runs its queries on both

    def up(self, migration: Migration) -> RunResult:
        """Apply one migration (its history row included); raise on failure."""
        statements = Runner.prepare(migration) if migration.language == "sql" else ()
        return self.runner.apply(migration, statements, durable=False)

    def down(self, migration: Migration) -> RunResult:
        """Run one migration's down part; raise on failure."""
        statements = Runner.prepare(migration, down=True) if migration.language == "sql" else ()
        return self.runner.revert(migration, statements)

    def schema(self) -> Schema:
        """The model of the scratch database, pgshift's own schema left out."""
        from pgshift.schema.introspect import inspect

        return inspect(self.reader, exclude=(self.settings.schema,), helper=self.conn)

    def row_counts(self) -> dict[str, int]:
        """Rows in every user table, by ``schema.table``."""
        counts: dict[str, int] = {}
        for schema, table in self.conn.execute(_TABLES, (self.settings.schema,)).fetchall():
            query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            counts[f"{schema}.{table}"] = int(self.conn.execute(query).fetchone()[0])
        return counts


@contextlib.contextmanager
def scratch_replay(
    settings: Settings, on_note: Callable[[str], None] | None = None
) -> Iterator[Replay]:
    """A :class:`Replay` on a new scratch database of the project's server, dropped after."""
    from pgshift.db.scratch import scratch_database

    with scratch_database(settings, on_note) as url, replaying(settings, url) as replay:
        yield replay


@contextlib.contextmanager
def replaying(settings: Settings, url: str) -> Iterator[Replay]:
    """A :class:`Replay` on the (scratch) database at ``url``."""
    scratch = settings.with_url(url, settings.url_source)
    with open_session(scratch, write=True, on_event=None) as session:
        runner = runner_for(session)
        yield Replay(scratch, runner, runner.conn, session.conn)
