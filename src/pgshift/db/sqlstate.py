"""What to do next, for the server errors a migration most often meets, and the one
translation of a server error met by pgshift's own work into a :class:`PgshiftError`."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from pgshift.errors import PermissionDenied, ReadOnly, ServerError

if TYPE_CHECKING:
    import psycopg

PERMISSION_DENIED = "42501"
READ_ONLY = "25006"

READ_ONLY_HINT = (
    "The server takes no writes here: it is a standby (a read replica), or "
    "default_transaction_read_only is on for this role or database. Point pgshift at "
    "the primary (--url or DATABASE_URL), or use a role that may write."
)

STATE_HINTS: dict[str, str] = {
    "42P07": "The object already exists. Was it created by hand, or by the script pgshift "
    "replaces? For a database built before pgshift, record what is there with "
    "'pgshift baseline VERSION'; otherwise write the migration against the current schema.",
    "42701": "The column already exists. If it was added by hand or by an earlier script, "
    "record that with 'pgshift baseline', or drop the ADD COLUMN from this migration.",
    "42P01": "The table does not exist at this point. Is it created by an earlier migration "
    "(check the version order with 'pgshift status'), and spelled the same?",
    "42703": "The column does not exist at this point: check its name and the migration order.",
    "42704": "The object does not exist at this point: check its name and the migration order.",
    "55P03": "A lock could not be taken in time: another session holds it. Retry when the "
    "blocking transaction has ended.",
    "57014": "The statement ran past its statement_timeout.",
    "25001": "This statement cannot run inside a transaction: put it in a migration of its "
    "own marked '-- pgshift:no-transaction'.",
    PERMISSION_DENIED: "Run migrations as the role that owns the schema and its objects, or "
    "have their owner grant the privilege (for a new table: GRANT USAGE, CREATE ON SCHEMA "
    "name TO role; since PostgreSQL 15 no role may create in schema public unless granted). "
    "Nothing of the migration was kept.",
    READ_ONLY: READ_ONLY_HINT + " Nothing of the migration was kept.",
}


def ident(name: str) -> str:
    """``name`` as SQL would need it written in a hint: double-quoted unless plain."""
    from pgshift.db.quoting import quote

    return quote(name)


def read_only_hint(conn: psycopg.Connection[Any] | None) -> str:
    """:data:`READ_ONLY_HINT`, made exact when ``conn`` can still say why."""
    if conn is None or conn.closed or conn.broken:
        return READ_ONLY_HINT
    with contextlib.suppress(Exception):
        conn.rollback()
        row = conn.execute(
            "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')"
        ).fetchone()
        if row and row[0]:
            return (
                "This server is a standby (a read replica): migrations run on the primary. "
                "Point pgshift at it (--url or DATABASE_URL)."
            )
        if row and row[1] == "on":
            return (
                "default_transaction_read_only is on for this role or database (ALTER ROLE or "
                "ALTER DATABASE ... SET). Run pgshift as a role that may write, or have an "
                "owner turn it off for this role: ALTER ROLE name SET "
                "default_transaction_read_only = off."
            )
    return READ_ONLY_HINT


def server_error(
    exc: Exception,
    *,
    target: str | None = None,
    user: str | None = None,
    doing: str | None = None,
    conn: psycopg.Connection[Any] | None = None,
) -> ServerError:
    """The paragraph for a server error met by pgshift's own work (reading or writing its
    tables, taking its lock): what the server said, and what to do."""
    diag = getattr(exc, "diag", None)
    state = getattr(exc, "sqlstate", None)
    primary = (getattr(diag, "message_primary", None) or str(exc)).strip().rstrip(".")
    where = f"{target}: " if target else ""
    doing = f" while {doing}" if doing else ""
    said = f"{primary}" + (f" (SQLSTATE {state})" if state else "")
    if state == PERMISSION_DENIED:
        role = f"role {ident(user)}" if user else "the role pgshift connects as"
        return PermissionDenied(
            f"{where}the server refused {role}{doing}: {said}.",
            f"Run pgshift as a role that has that privilege (the owner of the objects named), "
            f"or have their owner grant it to {role.removeprefix('role ')}.",
            sqlstate=state,
        )
    if state == READ_ONLY:
        return ReadOnly(
            f"{where}the database is read-only{doing}: {said}.",
            read_only_hint(conn) + " Nothing was written.",
            sqlstate=state,
        )
    if state is None or (conn is not None and conn.broken):
        return ServerError(
            f"{where}the connection to the server was lost{doing}: {primary}.",
            "The server restarted, or a network device or pooler closed the connection. What "
            "committed stays committed; run the command again.",
            sqlstate=state,
        )
    return ServerError(
        f"{where}the server reported an error{doing}: {said}.",
        STATE_HINTS.get(
            state,
            "If the message does not say what to change, rerun with --debug and report it.",
        ),
        sqlstate=state,
    )
