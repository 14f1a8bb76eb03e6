"""pgshift's own tables: history, the no-transaction journal and an audit log.

They live in one schema (``pgshift`` by default) and are versioned from day one:
the table comment of ``history`` holds the format number, and :data:`STEPS`
upgrades an older format in order. They are created or upgraded only while the
migration lock is held, so concurrent first runs cannot race.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from psycopg import sql

from pgshift.db.sqlstate import PERMISSION_DENIED, ident, server_error
from pgshift.errors import HistoryError, PermissionDenied

if TYPE_CHECKING:
    import psycopg

FORMAT_PREFIX = "pgshift history, format "

# Each step upgrades the tables from format N to N+1; never edit a released step. (The
# schema itself is made by ensure(), only when it is missing.)
STEPS: tuple[str, ...] = (
    """
    CREATE TABLE {schema}.history (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        version         text,
        slug            text NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('versioned', 'repeatable', 'baseline')),
        checksum        text NOT NULL,
        applied_at      timestamptz NOT NULL DEFAULT now(),
        duration        interval NOT NULL DEFAULT '0',
        applied_by      text NOT NULL DEFAULT current_user,
        pgshift_version text NOT NULL,
        CHECK ((kind = 'repeatable') = (version IS NULL))
    );
    CREATE UNIQUE INDEX history_version_key ON {schema}.history (version)
        WHERE version IS NOT NULL;
    CREATE UNIQUE INDEX history_repeatable_key ON {schema}.history (slug)
        WHERE kind = 'repeatable';
    CREATE TABLE {schema}.journal (
        version         text NOT NULL,
        checksum        text NOT NULL,
        statement       integer NOT NULL,
        line            integer NOT NULL,
        digest          text NOT NULL,
        done_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (version, statement)
    );
    CREATE TABLE {schema}.log (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at              timestamptz NOT NULL DEFAULT clock_timestamp(),
        action          text NOT NULL,
        version         text,
        slug            text,
        checksum        text,
        by_user         text NOT NULL DEFAULT current_user,
        client_pid      integer,
        pgshift_version text NOT NULL,
        detail          text
    );
    """,
)
FORMAT = len(STEPS)


@dataclass(frozen=True, slots=True)
class Applied:
    """One row of the history table."""

    version: str | None
    slug: str
    kind: str
    checksum: str
    applied_at: datetime
    duration: timedelta
    applied_by: str
    pgshift_version: str


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A statement of a no-transaction migration that has completed (statement 0: the
    migration started, and none of its statements is known to be done)."""

    version: str
    checksum: str
    statement: int
    line: int
    digest: str


def _names(schema: str) -> dict[str, sql.Composable]:
    return {"schema": sql.Identifier(schema)}


# Who may do what with pgshift's tables, and what is there; one round trip, needing
# no privilege (to_regclass would fail without USAGE on the schema).
_PROBE = """
SELECT n.oid IS NOT NULL, h.oid IS NOT NULL, obj_description(h.oid, 'pg_class'),
       pg_get_userbyid(coalesce(h.relowner, n.nspowner)), current_user, current_database(),
       coalesce(has_schema_privilege(n.oid, 'USAGE'), false),
       coalesce(has_schema_privilege(n.oid, 'CREATE'), false),
       has_database_privilege(current_database(), 'CREATE'),
       array(SELECT t.privilege || ' ON ' || t.name FROM (VALUES
               ('history', 'SELECT', 1), ('journal', 'SELECT', 2), ('history', 'INSERT', 3),
               ('history', 'DELETE', 4), ('journal', 'INSERT', 5), ('journal', 'DELETE', 6),
               ('log', 'INSERT', 7)) AS t (name, privilege, n)
             JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name
             WHERE NOT has_table_privilege(c.oid, t.privilege) ORDER BY t.n)
FROM (SELECT %s::text AS name) AS wanted
LEFT JOIN pg_namespace n ON n.nspname = wanted.name
LEFT JOIN pg_class h ON h.relnamespace = n.oid AND h.relname = 'history'
"""


@dataclass(frozen=True, slots=True)
class _Probe:
    schema_exists: bool
    exists: bool
    comment: str | None
    owner: str | None
    user: str
    database: str
    usage: bool
    create_in_schema: bool
    create_in_database: bool
    missing: list[str]  # "INSERT ON history", ...


def _probe(conn: psycopg.Connection[Any], schema: str) -> _Probe:
    row = conn.execute(_PROBE, (schema,)).fetchone()
    assert row is not None
    return _Probe(*row)


def _format(found: _Probe, schema: str) -> int:
    if not found.exists:
        return 0
    if found.comment is None:
        raise HistoryError(
            f"{schema}.history exists but was not created by pgshift (or its comment was removed).",
            "Use another schema for pgshift's tables (--schema / PGSHIFT_SCHEMA), or restore "
            f"the comment: COMMENT ON TABLE {schema}.history IS '{FORMAT_PREFIX}1'.",
        )
    if not str(found.comment).startswith(FORMAT_PREFIX):
        raise HistoryError(f"{schema}.history has an unexpected comment: {found.comment!r}.")
    return int(str(found.comment)[len(FORMAT_PREFIX) :])


def _refuse(found: _Probe, schema: str, write: bool) -> None:
    """Raise :class:`PermissionDenied` when the role cannot read (or write) the tables."""
    missing = [m for m in found.missing if write or m.startswith("SELECT")]
    if found.usage and not missing:
        return
    user, owner, name = ident(found.user), ident(found.owner or "?"), ident(schema)
    lacks = ([f"USAGE ON SCHEMA {name}"] if not found.usage else []) + [
        f"{m.split(' ON ')[0]} ON {name}.{m.split(' ON ')[1]}" for m in missing
    ]
    grant = (
        f"GRANT USAGE ON SCHEMA {name} TO {user}; GRANT SELECT, INSERT, UPDATE, DELETE ON "
        f"ALL TABLES IN SCHEMA {name} TO {user};"
        if write
        else f"GRANT USAGE ON SCHEMA {name} TO {user}; GRANT SELECT ON {name}.history, "
        f"{name}.journal TO {user};"
    )
    raise PermissionDenied(
        f"role {user} cannot {'write' if write else 'read'} pgshift's history in schema "
        f"{name} (its tables belong to role {owner}): it lacks {', '.join(lacks)}"
        + ("; nothing was run." if write else "."),
        f"Run pgshift as {owner}, or have {owner} grant them: {grant}",
        sqlstate=PERMISSION_DENIED,
    )


def installed_format(conn: psycopg.Connection[Any], schema: str) -> int:
    """The format of the installed tables: 0 when there are none yet.

    Raises :class:`PermissionDenied` when they are there and the role cannot read them.
    """
    found = _probe(conn, schema)
    current = _format(found, schema)
    if current:
        _refuse(found, schema, write=False)
    return current


def _refuse_creating(found: _Probe, schema: str) -> None:
    user, name = ident(found.user), ident(schema)
    if not found.schema_exists and not found.create_in_database:
        database = ident(found.database)
        raise PermissionDenied(
            f"role {user} cannot create pgshift's schema {name} in database {database}: it "
            "lacks CREATE on the database; nothing was run.",
            f"Once, as the database's owner or a superuser: CREATE SCHEMA {name} AUTHORIZATION "
            f"{user}; (or GRANT CREATE ON DATABASE {database} TO {user};). Or give pgshift a "
            "schema this role owns with --schema or PGSHIFT_SCHEMA.",
            sqlstate=PERMISSION_DENIED,
        )
    if found.schema_exists and not (found.usage and found.create_in_schema):
        owner = ident(found.owner or "?")
        raise PermissionDenied(
            f"role {user} cannot create pgshift's tables in schema {name} (owned by role "
            f"{owner}): it lacks USAGE and CREATE on the schema; nothing was run.",
            f"Run pgshift as {owner}, or have {owner} grant them: GRANT USAGE, CREATE ON "
            f"SCHEMA {name} TO {user}; or give pgshift a schema of its own with --schema or "
            "PGSHIFT_SCHEMA.",
            sqlstate=PERMISSION_DENIED,
        )


def ensure(conn: psycopg.Connection[Any], schema: str) -> bool:
    """Create or upgrade pgshift's tables; call with the migration lock held.

    Returns True when something was created or upgraded. Raises
    :class:`PermissionDenied` when the role cannot create, read or write them, and
    :class:`ReadOnly` when the database takes no writes and the tables are missing.
    """
    import psycopg

    found = _probe(conn, schema)
    current = _format(found, schema)
    if current > FORMAT:
        raise HistoryError(
            f"{schema}.history is format {current}, newer than this pgshift knows ({FORMAT}).",
            "Upgrade pgshift to the version that wrote it.",
        )
    if current == FORMAT:
        _refuse(found, schema, write=True)
        return False
    _refuse_creating(found, schema)
    try:
        with conn.transaction():
            if not found.schema_exists:
                # only when missing: CREATE SCHEMA IF NOT EXISTS asks for CREATE on the
                # database even when the schema is there
                conn.execute(sql.SQL("CREATE SCHEMA {schema}").format(**_names(schema)))
            for step in STEPS[current:]:
                conn.execute(sql.SQL(step).format(**_names(schema)))
            conn.execute(
                sql.SQL("COMMENT ON TABLE {schema}.history IS {comment}").format(
                    comment=sql.Literal(f"{FORMAT_PREFIX}{FORMAT}"), **_names(schema)
                )
            )
    except psycopg.Error as exc:
        raise server_error(
            exc, user=found.user, doing=f"creating pgshift's tables in schema {schema}", conn=conn
        ) from exc
    return True


def read(conn: psycopg.Connection[Any], schema: str) -> tuple[Applied, ...]:
    """Every history row, in the order applied."""
    rows = conn.execute(
        sql.SQL(
            "SELECT version, slug, kind, checksum, applied_at, duration, applied_by, "
            "pgshift_version FROM {schema}.history ORDER BY id"
        ).format(**_names(schema))
    ).fetchall()
    return tuple(Applied(*row) for row in rows)


def read_journal(conn: psycopg.Connection[Any], schema: str) -> tuple[JournalEntry, ...]:
    """Completed statements of no-transaction migrations that have not finished."""
    rows = conn.execute(
        sql.SQL(
            "SELECT version, checksum, statement, line, digest FROM {schema}.journal "
            "ORDER BY version, statement"
        ).format(**_names(schema))
    ).fetchall()
    return tuple(JournalEntry(*row) for row in rows)


_RECORD = (
    "WITH h AS (INSERT INTO {schema}.history "
    "(version, slug, kind, checksum, duration, pgshift_version) "
    "VALUES ({version}, {slug}, {kind}, {checksum}, "
    "{duration}, {pgshift}) RETURNING 1) "
    "INSERT INTO {schema}.log (action, version, slug, checksum, client_pid, pgshift_version) "
    "SELECT {action}, {version}, {slug}, {checksum}, {pid}, {pgshift} FROM h"
)
RECORD_KEYS = ("version", "slug", "kind", "checksum", "pgshift", "action", "pid")
_GIVEN = sql.SQL("make_interval(secs => {})")
# Sent in the migration's own transaction: the time since BEGIN, as the server saw it.
_SINCE_BEGIN = sql.SQL("clock_timestamp() - now()")


def record_query(schema: str) -> sql.Composed:
    """INSERT of a history row and its log line, in one statement, with named parameters:
    version, slug, kind, checksum, seconds, pgshift, action, pid."""
    return sql.SQL(_RECORD).format(
        **_names(schema),
        duration=_GIVEN.format(sql.Placeholder("seconds")),
        **{key: sql.Placeholder(key) for key in RECORD_KEYS},
    )


def record_template(schema: str, conn: psycopg.Connection[Any]) -> str:
    """The INSERT of :func:`record_query` as text with ``{key}`` fields for quoted values:
    composed once per run, filled once per migration."""
    fields = {key: sql.SQL("{" + key + "}") for key in RECORD_KEYS}
    text = sql.SQL(_RECORD).format(**_names(schema), duration=_SINCE_BEGIN, **fields)
    return text.as_string(conn)


_FORGET = (
    "WITH h AS (DELETE FROM {schema}.history WHERE {where} RETURNING version, slug, checksum) "
    "INSERT INTO {schema}.log (action, version, slug, checksum, client_pid, pgshift_version) "
    "SELECT {action}, version, slug, checksum, {pid}, {pgshift} FROM h"
)


def _forget(schema: str, repeatable: bool, value: Any) -> sql.Composed:
    where = (
        sql.SQL("kind = 'repeatable' AND slug = {}").format(value("slug"))
        if repeatable
        else sql.SQL("version = {}").format(value("version"))
    )
    return sql.SQL(_FORGET).format(
        **_names(schema),
        where=where,
        **{key: value(key) for key in ("action", "pid", "pgshift")},
    )


def forget_query(schema: str, repeatable: bool) -> sql.Composed:
    """DELETE of a history row (by version, or by slug for repeatables) plus its log line.

    Named parameters: version, slug, action, pid, pgshift.
    """
    return _forget(schema, repeatable, sql.Placeholder)


def forget_literal(schema: str, repeatable: bool, values: dict[str, Any]) -> sql.Composed:
    """:func:`forget_query` with its values inlined."""
    return _forget(schema, repeatable, lambda key: sql.Literal(values[key]))


def set_checksum(
    conn: psycopg.Connection[Any],
    schema: str,
    changes: Iterable[tuple[str | None, str, str]],
    *,
    pid: int,
    pgshift_version: str,
) -> None:
    """Accept new checksums: ``(version, slug, checksum)`` each; logged as ``repair``."""
    query = sql.SQL(
        "WITH h AS (UPDATE {schema}.history SET checksum = %(checksum)s "
        "WHERE (version = %(version)s) OR (%(version)s::text IS NULL AND kind = 'repeatable' "
        "AND slug = %(slug)s) RETURNING version, slug) "
        "INSERT INTO {schema}.log (action, version, slug, checksum, client_pid, pgshift_version) "
        "SELECT 'repair', version, slug, %(checksum)s, %(pid)s, %(pgshift)s FROM h"
    ).format(**_names(schema))
    _each(conn, query, changes, pid, pgshift_version)


def _each(
    conn: psycopg.Connection[Any],
    query: sql.Composed,
    changes: Iterable[tuple[str | None, str, str]],
    pid: int,
    pgshift_version: str,
) -> None:
    """Run ``query`` once per ``(version, slug, checksum)``, with the run's pid and version."""
    with conn.cursor() as cur:
        for version, slug, checksum in changes:
            values = {"version": version, "slug": slug, "checksum": checksum}
            cur.execute(query, values | {"pid": pid, "pgshift": pgshift_version})


def rename(
    conn: psycopg.Connection[Any],
    schema: str,
    changes: Iterable[tuple[str, str, str]],
    *,
    pid: int,
    pgshift_version: str,
) -> None:
    """Record applied migrations under a new name: ``(version, slug, checksum)`` each;
    logged as ``rename`` with the old name in ``detail``."""
    query = sql.SQL(
        "WITH old AS (SELECT slug FROM {schema}.history WHERE version = %(version)s), "
        "h AS (UPDATE {schema}.history SET slug = %(slug)s, checksum = %(checksum)s "
        "WHERE version = %(version)s RETURNING version) "
        "INSERT INTO {schema}.log "
        "(action, version, slug, checksum, client_pid, pgshift_version, detail) "
        "SELECT 'rename', h.version, %(slug)s, %(checksum)s, %(pid)s, %(pgshift)s, "
        "'was ' || old.slug FROM h, old"
    ).format(**_names(schema))
    _each(conn, query, changes, pid, pgshift_version)


def start_query(schema: str) -> sql.Composed:
    """Journal that a no-transaction migration starts: row 0 (parameters: version,
    checksum), kept until its first statement is journaled. Returns the checksum of the
    row 0 an earlier run left, if any: that run started this migration and died before
    any statement of it was known to be done."""
    return sql.SQL(
        "WITH old AS (SELECT checksum FROM {schema}.journal "
        "WHERE version = %(version)s AND statement = 0), "
        "new AS (INSERT INTO {schema}.journal (version, checksum, statement, line, digest) "
        "VALUES (%(version)s, %(checksum)s, 0, 0, 'started') "
        "ON CONFLICT (version, statement) DO UPDATE "
        "SET checksum = excluded.checksum, done_at = excluded.done_at) "
        "SELECT checksum FROM old"
    ).format(**_names(schema))


def journal_query(schema: str) -> sql.Composed:
    """INSERT of one journal row: version, checksum, statement index, line, digest (the
    start row 0 goes: a completed statement says as much)."""
    return sql.SQL(
        "WITH started AS (DELETE FROM {schema}.journal "
        "WHERE version = %(version)s AND statement = 0) "
        "INSERT INTO {schema}.journal (version, checksum, statement, line, digest) "
        "VALUES (%(version)s, %(checksum)s, %(statement)s, %(line)s, %(digest)s)"
    ).format(**_names(schema))


def clear_journal_query(schema: str) -> sql.Composed:
    """DELETE of a migration's journal rows (once its history row is written)."""
    return sql.SQL("DELETE FROM {schema}.journal WHERE version = %s").format(**_names(schema))
