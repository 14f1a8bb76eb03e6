"""Scratch databases: a throw-away database to build the schema the migrations make.

``verify`` and ``drift`` apply migrations from empty somewhere no one else looks:
a temporary database on the target's own server (same version, same extensions),
dropped afterwards whatever happens; where the role may not create databases, the
embedded server instead.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgshift.config import Settings
from pgshift.db.connection import connect
from pgshift.errors import PgshiftError

PREFIX = "pgshift_scratch_"


@contextlib.contextmanager
def scratch_database(
    settings: Settings, on_note: Callable[[str], None] | None = None
) -> Iterator[str]:
    """Yield the URL of a new empty database, dropped (``WITH (FORCE)``) on exit."""
    from pgshift.db.connection import resolve_url

    url, note = resolve_url(settings)
    if note and on_note is not None:
        on_note(note)
    name = PREFIX + secrets.token_hex(6)
    admin = connect(url, source=settings.url_source, connect_timeout=settings.connect_timeout)
    admin.autocommit = True
    try:
        try:
            # template0: nothing the target's template1 holds leaks into the result
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
        except psycopg.errors.InsufficientPrivilege as exc:
            raise PgshiftError(
                f"cannot create a scratch database on {_server(admin)}: the role may not "
                "create databases.",
                "Grant it CREATEDB (ALTER ROLE ... CREATEDB), or run this command against "
                "a server where it may, such as the embedded one (leave DATABASE_URL unset).",
            ) from exc
        try:
            yield make_conninfo(url, dbname=name)
        finally:
            drop_database(admin, name)
    finally:
        admin.close()


def drop_database(admin: psycopg.Connection[Any], name: str) -> None:
    """DROP DATABASE IF EXISTS, its sessions ended first: ``WITH (FORCE)`` where the
    server has it (13+), else by ending them one by one as FORCE would."""
    query = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    if admin.info.server_version >= 130000:
        admin.execute(sql.SQL("{} WITH (FORCE)").format(query))
        return
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    )
    admin.execute(query)


def _server(conn: psycopg.Connection[Any]) -> str:
    info = conn.info
    return f"{info.host}:{info.port}"
