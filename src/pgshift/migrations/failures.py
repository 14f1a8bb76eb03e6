"""A failed statement of a migration, as the paragraph the user reads.

The server's error becomes a :class:`MigrationError` that names the file and the
line of the statement (of the token the server points at, when it does), quotes
the statement, and says what to do: the hint of its SQLSTATE, the role it ran as
for a permission error, why a server was read-only, or that the connection died.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgshift.db.sqlstate import (
    PERMISSION_DENIED,
    READ_ONLY,
    STATE_HINTS,
    ident,
    read_only_hint,
)
from pgshift.errors import MigrationError, PgshiftError
from pgshift.migrations.owntables import role_set_by, switches_role
from pgshift.migrations.statements import split

if TYPE_CHECKING:
    import psycopg

    from pgshift.migrations.sections import Section
    from pgshift.migrations.statements import Statement


def statement_error(
    conn: psycopg.Connection[Any],
    exc: Exception,
    statement: Statement,
    section: Section,
    skip: int = 0,
) -> MigrationError:
    """The error of ``statement`` of ``section``, sent on ``conn`` after ``skip``
    characters of other text (the server's position counts them too)."""
    import psycopg

    diag = getattr(exc, "diag", None)
    state = getattr(exc, "sqlstate", None)
    line = statement.line
    position = getattr(diag, "statement_position", None)
    if position and int(position) > skip:
        line += statement.sql[: int(position) - 1 - skip].count("\n")
    primary = (getattr(diag, "message_primary", None) or str(exc)).strip()
    detail = getattr(diag, "message_detail", None)
    server_hint = getattr(diag, "message_hint", None)
    excerpt = "\n".join("    " + x for x in statement.sql.splitlines()[:8])
    lost = isinstance(exc, psycopg.OperationalError) and conn.broken
    message = f"{section.path}:{line}: {primary}"
    if detail:
        message += f"\n  detail: {detail}"
    message += f"\n{excerpt}"
    if state:
        message += f"\n  SQLSTATE {state}"
    hint = STATE_HINTS.get(state or "", "")
    if state == PERMISSION_DENIED:
        hint = f"It ran as {role_at(conn, statement, section)}. {hint}"
    elif state == READ_ONLY:  # (outside a transaction block it can ask why)
        hint = read_only_hint(conn) + " Nothing of the migration was kept."
    if lost:
        hint = "The connection to the server was lost; the server rolled the transaction back."
    if server_hint:
        hint = f"server hint: {server_hint.rstrip('.')}. {hint}".strip()
    return MigrationError(
        message,
        hint or "Fix the migration; its transaction was rolled back and nothing of it was kept.",
        path=section.path,
        line=line,
        statement=statement.sql,
        sqlstate=state,
    )


def role_at(conn: psycopg.Connection[Any], statement: Statement, section: Section) -> str:
    """The role a statement of ``section`` ran as, and why (for a permission error)."""
    try:
        earlier = [s for s in split(section) if s.line < statement.line and switches_role(s)]
    except PgshiftError:
        earlier = []
    if earlier:
        role = role_set_by(earlier[-1])
        if role is not None:
            return f"role {ident(role)} (switched to at {section.path}:{earlier[-1].line})"
    return f"role {ident(conn.info.user)}"
