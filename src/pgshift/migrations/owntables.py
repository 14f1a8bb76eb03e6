"""pgshift's own tables and role, kept apart from what migrations do.

A migration may switch roles (``SET ROLE``, ``SET SESSION AUTHORIZATION``): pgshift
writes its rows as the role it connected as all the same (:data:`OWN_ROLE` comes
first), and a failure of its own write is told apart from the migration's. A
migration that would drop pgshift's schema or tables is refused before it runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pgshift.db.sqlstate import PERMISSION_DENIED, READ_ONLY, READ_ONLY_HINT, ident
from pgshift.errors import MigrationError, SqlError
from pgshift.migrations.sections import Section
from pgshift.migrations.statements import Statement

# Back to the role pgshift connected as (the connection's own default role included).
OWN_ROLE = "RESET SESSION AUTHORIZATION;\nRESET ROLE"
TABLES = ("history", "journal", "log")
_ROLE_SETTINGS = ("role", "session_authorization")


def switches_role(statement: Statement) -> bool:
    """Whether ``statement`` is a SET (or RESET) ROLE or SESSION AUTHORIZATION."""
    return statement.node == "VariableSetStmt" and statement.tree.get("name") in _ROLE_SETTINGS


def role_set_by(statement: Statement) -> str | None:
    """The role a ``SET ROLE name`` or ``SET SESSION AUTHORIZATION name`` switches to."""
    if not switches_role(statement) or statement.tree.get("kind") != "VAR_SET_VALUE":
        return None
    for arg in statement.tree.get("args") or ():
        value = arg.get("A_Const", {}).get("sval", {}).get("sval")
        if isinstance(value, str) and value != "none":
            return value
    return None


def _strings(node: Any) -> list[str]:
    items = node.get("List", {}).get("items", [node])
    return [item.get("String", {}).get("sval", "") for item in items]


def _drops_own(statement: Statement, schema: str) -> bool:
    if statement.node != "DropStmt":
        return False
    kind = statement.tree.get("removeType")
    for target in statement.tree.get("objects") or ():
        names = _strings(target)
        if kind == "OBJECT_SCHEMA" and names == [schema]:
            return True
        if kind == "OBJECT_TABLE" and names[-2:] in ([schema, t] for t in TABLES):
            return True
    return False


def refuse_own_drops(
    statements: Iterable[Statement], section: Section, schema: str, *, down: bool
) -> None:
    """Raise :class:`SqlError` when a statement would drop pgshift's schema or tables."""
    for statement in statements:
        if not _drops_own(statement, schema):
            continue
        what = "schema" if statement.tree.get("removeType") == "OBJECT_SCHEMA" else "table"
        raise SqlError(
            f"{section.path}:{statement.line}: this {'down part' if down else 'migration'} "
            f"drops pgshift's own {what} ({statement.sql.splitlines()[0].strip()}), where "
            "pgshift records what ran; nothing was run.",
            f"Schema {ident(schema)} belongs to pgshift: dropping it would forget every "
            "applied migration, and this run could not be recorded. Drop only what the "
            "migration made; to remove pgshift from this database, drop its schema by hand "
            "once you are done with it.",
            path=section.path,
            line=statement.line,
        )


def own_failure(exc: Exception, schema: str, statement: Statement) -> bool:
    """Whether an error met where a migration's last statement and pgshift's history
    row were sent together came from pgshift's own write."""
    diag = getattr(exc, "diag", None)
    if getattr(diag, "schema_name", None) == schema:
        return True
    if getattr(exc, "sqlstate", None) not in ("42501", "42P01", "3F000"):
        return False
    text = (getattr(diag, "message_primary", None) or "").lower()
    own = [f"for schema {schema}", f'schema "{schema}"'] + [
        piece for t in TABLES for piece in (f"for table {t}", f'"{schema}.{t}"')
    ]
    if not any(piece.lower() in text for piece in own):
        return False
    # the migration's own statement would name the object too: then it is the migration's
    names = "|".join(re.escape(n) for n in (schema, *TABLES))
    return re.search(rf"\b({names})\b", statement.sql, re.IGNORECASE) is None


def own_write_error(
    exc: Exception,
    path: Path,
    schema: str,
    user: str,
    *,
    write: str = "its row in {schema}.history",
    transaction: bool = True,
) -> MigrationError:
    """The paragraph for a failed write of pgshift's own (``write`` says which) made
    while a migration ran: not a statement of the migration, and what to do."""
    state = getattr(exc, "sqlstate", None)
    diag = getattr(exc, "diag", None)
    primary = (getattr(diag, "message_primary", None) or str(exc)).strip()
    name, user = ident(schema), ident(user)
    kept = (
        "Nothing of the migration was kept: its transaction was rolled back."
        if transaction
        else "What ran outside a transaction stays; the migration is not recorded as done."
    )
    if state == PERMISSION_DENIED:
        hint = (
            f"pgshift writes its rows as role {user}, the role it connected as (a SET ROLE in "
            "a migration does not apply to them). Run pgshift as the owner of its tables, or "
            f"grant: GRANT USAGE ON SCHEMA {name} TO {user}; GRANT SELECT, INSERT, UPDATE, "
            f"DELETE ON ALL TABLES IN SCHEMA {name} TO {user}. {kept}"
        )
    elif state in ("42P01", "3F000"):
        hint = (
            f"pgshift's own tables in schema {name} are gone: did the migration drop them "
            f"(DROP SCHEMA, DROP OWNED)? Leave {name} to pgshift. {kept}"
        )
    elif state == READ_ONLY:
        hint = f"{READ_ONLY_HINT} {kept}"
    else:
        hint = f"{kept} Can role {user} write {name}.history and {name}.log?"
    return MigrationError(
        f"{path}: pgshift's own write of {write.format(schema=name)} failed, after the "
        f"migration's statements ran: {primary}" + (f"\n  SQLSTATE {state}" if state else ""),
        hint,
        path=path,
        sqlstate=state,
    )
