"""``reset``: drop the managed schemas and pgshift's own, migrate from nothing, seed.

It replaces ``docker compose down -v`` and deleting the data folder, with rules
that make it hard to run by accident: the caller passes the database's name as
typed by a person (the library never guesses it), and a server that is not on
this machine is refused before any connection unless ``force`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psycopg import sql

from pgshift.config import Settings
from pgshift.db.connection import is_local
from pgshift.errors import ConfigError, PgshiftError
from pgshift.events import EventHandler
from pgshift.safety.seeds import SeedRun, prepare, seed_database, seed_files

if TYPE_CHECKING:
    import psycopg

    from pgshift.workflows.migrate import MigrateResult

# Tables and their approximate rows, per schema. reltuples is -1 until the first
# ANALYZE, so the statistics' live-row count stands in for it.
_SUMMARY = """
SELECT n.nspname,
       count(c.oid) FILTER (WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition),
       coalesce(sum(greatest(c.reltuples, s.n_live_tup, 0))
                FILTER (WHERE c.relkind = 'r'), 0)::bigint
FROM pg_namespace n
LEFT JOIN pg_class c ON c.relnamespace = n.oid
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
WHERE n.nspname = ANY (%s)
GROUP BY n.nspname
"""

_OTHER_SCHEMAS = """
SELECT nspname FROM pg_namespace
WHERE nspname <> 'information_schema' AND nspname !~ '^pg_' AND NOT nspname = ANY (%s)
ORDER BY nspname
"""


@dataclass(frozen=True, slots=True)
class SchemaSummary:
    """A schema reset would drop: its tables and about how many rows they hold."""

    name: str
    exists: bool
    tables: int = 0
    rows: int = 0  # approximate (planner statistics)


@dataclass(frozen=True, slots=True)
class ResetPlan:
    """What a reset of one database would drop, read before asking for confirmation."""

    target: str
    database: str
    local: bool
    schemas: tuple[SchemaSummary, ...]
    kept: tuple[str, ...] = ()  # other schemas, left alone
    notes: tuple[str, ...] = ()

    @property
    def tables(self) -> int:
        """Tables in every schema to drop."""
        return sum(s.tables for s in self.schemas)

    @property
    def rows(self) -> int:
        """Approximate rows in every schema to drop."""
        return sum(s.rows for s in self.schemas)


@dataclass(frozen=True, slots=True)
class ResetResult:
    """What a reset did: the schemas dropped, the migrations applied, the seeds run."""

    target: str
    database: str
    dropped: tuple[SchemaSummary, ...]
    created: tuple[str, ...]
    migrated: MigrateResult
    seeded: tuple[SeedRun, ...] = ()
    kept: tuple[str, ...] = ()  # other schemas, left alone
    notes: tuple[str, ...] = ()


def _schemas(settings: Settings) -> tuple[str, ...]:
    names = tuple(dict.fromkeys((*settings.managed_schemas, settings.schema)))
    for name in names:
        if name.startswith("pg_") or name == "information_schema":
            raise ConfigError(
                f"managed_schemas names the system schema {name!r}; reset will not drop it.",
                "List only your application's schemas in managed_schemas (default: public).",
            )
    return names


def check_target(settings: Settings, *, force: bool = False) -> None:
    """Refuse a server that is not on this machine unless ``force``; connects to nothing.

    The embedded default is local.
    """
    url = settings.database_url
    if url is None or is_local(url) or force:
        return
    from pgshift.db.connection import describe

    raise PgshiftError(
        f"reset refused: {describe(url)} is not a server on this machine, and reset drops "
        "every table in it. Nothing was touched (no connection was made).",
        "Reset is for development databases. If this really is one, run again with --force "
        "and type the database's name when asked (--yes is not accepted for a remote server).",
    )


def plan_reset(
    settings: Settings, *, force: bool = False, on_event: EventHandler | None = None
) -> ResetPlan:
    """What :func:`reset` would drop, read without changing anything."""
    from pgshift.migrations.session import open_session

    check_target(settings, force=force)
    names = _schemas(settings)
    check_files(settings)
    with open_session(settings, write=False, on_event=on_event) as session:
        return _read_plan(session.conn, session.target, settings, names, tuple(session.notes))


def _read_plan(
    conn: psycopg.Connection[Any],
    target: str,
    settings: Settings,
    names: tuple[str, ...],
    notes: tuple[str, ...],
) -> ResetPlan:
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    found = {str(r[0]): (int(r[1]), int(r[2])) for r in conn.execute(_SUMMARY, (list(names),))}
    schemas = tuple(SchemaSummary(name, name in found, *found.get(name, (0, 0))) for name in names)
    kept = tuple(str(r[0]) for r in conn.execute(_OTHER_SCHEMAS, (list(names),)))
    local = settings.database_url is None or is_local(settings.database_url)
    return ResetPlan(target, str(row[0]), local, schemas, kept, notes)


def check_files(settings: Settings) -> set[str]:
    """Read and check every migration and seed file, so that nothing is dropped for a
    rebuild that cannot work; return the schemas the migrations create themselves
    (reset leaves their creation to them)."""
    from pgshift.migrations.discovery import project_migrations
    from pgshift.migrations.runner import Runner

    for file in seed_files(settings):
        prepare(file)
    created = set()
    for migration in project_migrations(settings).migrations:
        if migration.language != "sql" or migration.up is None:
            continue
        for statement in Runner.prepare(migration):
            if statement.node == "CreateSchemaStmt" and statement.tree.get("schemaname"):
                created.add(str(statement.tree["schemaname"]))
    return created


def _recreate(conn: psycopg.Connection[Any], name: str) -> None:
    if name != "public":
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        return
    # PostgreSQL's own defaults for public: since 15 it belongs to pg_database_owner
    # and PUBLIC may only use it; before, everyone could also create in it.
    if conn.info.server_version >= 150000:
        conn.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
        conn.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
    else:
        conn.execute("CREATE SCHEMA public")
        conn.execute("GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC")
    conn.execute("COMMENT ON SCHEMA public IS 'standard public schema'")


def reset(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    confirm: str,
    force: bool = False,
    on_event: EventHandler | None = None,
) -> ResetResult:
    """Drop the managed schemas and pgshift's own, recreate the managed ones, apply
    every migration and run the seeds.

    ``confirm`` must be the database's name, as typed by the person asking; any
    other value raises :class:`PgshiftError` and nothing is dropped. A server not
    on this machine is refused before connecting unless ``force``. Migrations and
    seed files are read and checked before anything is dropped.
    """
    import psycopg

    from pgshift.config import settings_for
    from pgshift.migrations.session import open_session
    from pgshift.workflows.migrate import apply_pending

    settings = settings_for(settings, url, None)
    check_target(settings, force=force)
    names = _schemas(settings)
    left_to_migrations = check_files(settings)

    with open_session(settings, write=True, on_event=on_event, create_history=False) as session:
        conn = session.conn
        plan = _read_plan(conn, session.target, settings, names, tuple(session.notes))
        if confirm != plan.database:
            raise PgshiftError(
                f"reset refused: {confirm!r} is not the name of the database "
                f"({plan.database!r} on {session.target}). Nothing was dropped.",
                "Type the database's name exactly, as shown, to confirm.",
            )
        created = tuple(n for n in settings.managed_schemas if n not in left_to_migrations)
        try:
            with conn.transaction():
                if settings.lock_timeout:
                    conn.execute(
                        sql.SQL("SET LOCAL lock_timeout = {}").format(
                            sql.Literal(f"{round(settings.lock_timeout * 1000)}ms")
                        )
                    )
                for name in names:
                    conn.execute(
                        sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                    )
                for name in created:
                    _recreate(conn, name)
        except psycopg.Error as exc:
            raise _drop_error(exc, session.target) from exc
    migrated = apply_pending(settings, on_event=on_event)
    seeded: tuple[SeedRun, ...] = ()
    if seed_files(settings):
        seeded = seed_database(settings=settings, on_event=on_event).runs
    return ResetResult(
        plan.target,
        plan.database,
        tuple(s for s in plan.schemas if s.exists),
        created,
        migrated,
        seeded,
        plan.kept,
        plan.notes,
    )


def _drop_error(exc: Exception, target: str) -> PgshiftError:
    state = getattr(exc, "sqlstate", None)
    text = (getattr(getattr(exc, "diag", None), "message_primary", None) or str(exc)).strip()
    hint = "Nothing was dropped: the drop runs in one transaction."
    if state == "55P03":
        hint = (
            "Another session (the application? a psql?) is using these tables. Stop it and run "
            "reset again; nothing was dropped."
        )
    elif state == "42501":
        hint = (
            "This user may not drop or create these schemas. Run reset as the database's "
            "owner; nothing was dropped."
        )
    return PgshiftError(
        f"reset could not drop the schemas of {target}: {text}"
        + (f"\n  SQLSTATE {state}" if state else ""),
        hint,
    )
