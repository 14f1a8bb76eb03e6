"""Connections: a URL (or libpq's own PG* variables), a bounded wait, clear errors.

Passwords never leave this module: every target is described by
:func:`describe`, which drops them.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgshift.errors import ConnectError

if TYPE_CHECKING:
    import psycopg

    from pgshift.config import Settings

# SQLSTATEs (and libpq messages) that may clear up if we wait: the server is not
# up yet, is starting, or is shutting down for a restart.
_TRANSIENT_STATES = {"57P03", "57P01", "57P02", "08006", "08001", "53300"}
_CHECK = "-c client_connection_check_interval=2000"
_TRANSIENT_TEXT = (
    "connection refused",
    "could not connect",
    "no such file or directory",
    "the database system is starting up",
    "the database system is shutting down",
    "timeout expired",
    "server closed the connection",
    "could not translate host name",
)


def _params(url: str) -> dict[str, Any]:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url)
    except Exception as exc:
        raise ConnectError(
            "the database URL is malformed (it is not shown here, as it may hold a password).",
            "Write it as postgresql://user@host:5432/dbname and pass it with --url or "
            "DATABASE_URL.",
        ) from exc


def describe(url: str) -> str:
    """``user@host:port/dbname`` for ``url``, never with its password."""
    try:
        params = _params(url)
    except ConnectError:
        return "<malformed URL>"
    if not url:
        params = {
            "host": os.environ.get("PGHOST", "localhost"),
            "port": os.environ.get("PGPORT"),
            "user": os.environ.get("PGUSER"),
            "dbname": os.environ.get("PGDATABASE"),
        }
    host = str(params.get("host") or "localhost")
    port = params.get("port") or "5432"
    user = params.get("user")
    dbname = params.get("dbname") or user or "postgres"
    return f"{user + '@' if user else ''}{host}:{port}/{dbname}"


def _is_transient(exc: Exception) -> bool:
    state = getattr(exc, "sqlstate", None)
    if state in _TRANSIENT_STATES:
        return True
    text = str(exc).lower()
    return state is None and any(piece in text for piece in _TRANSIENT_TEXT)


def _summary(exc: Exception) -> str:
    """The line of a libpq error that says what went wrong, without its preamble."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[0].removeprefix("connection failed:").strip()
    if text.startswith("connection to server") and ": " in text:
        text = text.split(": ", 1)[1]
    return text


def _explain(exc: Exception, target: str, source: str) -> ConnectError:
    state = getattr(exc, "sqlstate", None)
    text = _summary(exc)
    source = "--url" if source == "option" else source
    lowered = str(exc).lower()
    if state == "28P01" or "password authentication failed" in lowered:
        return ConnectError(
            f"the server at {target} refused the password (authentication failed).",
            f"Check the user and password in the URL (taken from {source}); "
            "pgshift never prints the password.",
        )
    if "no password supplied" in lowered or "password is required" in lowered:
        return ConnectError(
            f"the server at {target} asks for a password and none was given.",
            "Put it in the URL, in PGPASSWORD, or in ~/.pgpass.",
        )
    if state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return ConnectError(
            f"the database of {target} does not exist.",
            "Create it first (createdb, or CREATE DATABASE), or fix the database name in the URL.",
        )
    if (
        state in ("28000",)
        or "no pg_hba.conf entry" in lowered
        or ("role" in lowered and ("does not exist" in lowered))
    ):
        return ConnectError(
            f"the server at {target} does not let this user in: {text}",
            "Check the user name, and the server's pg_hba.conf.",
        )
    return ConnectError(
        f"cannot connect to {target}: {text}",
        f"Is the server running and listening there? The URL comes from {source}. "
        "Use --wait SECONDS to wait for a server that is starting.",
    )


def connect(
    url: str,
    *,
    source: str = "--url",
    wait: float = 0.0,
    connect_timeout: float = 10.0,
    application_name: str = "pgshift",
    autocommit: bool = True,
    search_path: Sequence[str] = (),
) -> psycopg.Connection[Any]:
    """A connection to ``url``, waiting up to ``wait`` seconds for the server to accept it.

    ``search_path`` (plain identifiers, checked by the caller) goes first on the
    session's search_path, ahead of ``public``: a schema-per-tenant target."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = _params(url)
    target = describe(url)
    # A runner killed mid-statement then loses its session, lock and open
    # transaction within seconds instead of when the statement would have ended.
    options = f"{params.get('options') or os.environ.get('PGOPTIONS', '')} {_CHECK}".strip()
    if search_path:
        options += f" -c search_path={','.join((*search_path, 'public'))}"
    deadline = time.monotonic() + wait
    delay = 0.1
    while True:
        try:
            timeout = max(1, round(connect_timeout))
            if wait:
                timeout = max(1, min(timeout, round(deadline - time.monotonic()) or 1))
            conninfo = make_conninfo(url, options=options) if options else url
            conn = psycopg.connect(
                conninfo,
                autocommit=autocommit,
                application_name=application_name,
                connect_timeout=timeout,
                keepalives=1,
                keepalives_idle=10,
                keepalives_interval=5,
                keepalives_count=3,
            )
        except psycopg.Error as exc:
            if options and "client_connection_check_interval" in str(exc):
                options = options.replace(_CHECK, "").strip()  # a server older than 14
                continue
            if wait and _is_transient(exc) and time.monotonic() < deadline:
                time.sleep(min(delay, max(deadline - time.monotonic(), 0.01)))
                delay = min(delay * 1.5, 1.0)
                continue
            error = _explain(exc, target, source)
            if wait and _is_transient(exc):
                error = ConnectError(
                    f"waited {wait:g}s for the server at {target} to accept connections; "
                    f"it did not. Last error: {_summary(exc)}",
                    "Start the server (or check host and port), or wait longer with --wait.",
                )
            raise error from exc
        _refuse_old(conn, target)
        opened = _OPENED.get()
        if opened is not None:
            opened.append(conn)
        return conn


# The connections a fleet worker opens, so that another thread can cancel what they run.
_OPENED: ContextVar[list[psycopg.Connection[Any]] | None] = ContextVar("opened", default=None)


@contextlib.contextmanager
def noting_connections() -> Iterator[list[psycopg.Connection[Any]]]:
    """Every connection :func:`connect` opens in this context, listed as it opens."""
    opened: list[psycopg.Connection[Any]] = []
    token = _OPENED.set(opened)
    try:
        yield opened
    finally:
        _OPENED.reset(token)


def _refuse_old(conn: psycopg.Connection[Any], target: str) -> None:
    """Close ``conn`` and say so when its server is older than pgshift runs on."""
    from pgshift.db.versions import MIN_SERVER_VERSION, OLDEST, pretty

    version = conn.info.server_version
    if version >= MIN_SERVER_VERSION:
        return
    conn.close()
    raise ConnectError(
        f"the server at {target} runs PostgreSQL {pretty(version)}; pgshift runs on "
        f"PostgreSQL {OLDEST} and later (its catalogs, and DDL that older servers run "
        "differently, are read and checked for those).",
        f"Upgrade the server to PostgreSQL {OLDEST} or later ({pretty(version)} no longer "
        "gets fixes). 'pgshift lint' still checks files for it offline: pg_version = "
        f"{version // 10000 if version >= 100000 else version // 100 / 100} in pgshift.toml.",
    )


def is_local(url: str) -> bool:
    """True when ``url`` names a server on this machine (loopback or a unix socket)."""
    try:
        params = _params(url)
    except ConnectError:
        return False
    host = str(params.get("host") or (os.environ.get("PGHOST", "") if not url else ""))
    hosts = [h.strip() for h in host.split(",")] if host else [""]
    return all(
        not h or h.startswith("/") or h == "localhost" or h.startswith("127.") or h == "::1"
        for h in hosts
    )


def resolve_url(settings: Settings) -> tuple[str, str | None]:
    """The URL to use and, for the embedded default, a one-line note saying so."""
    if settings.database_url is not None:
        return settings.database_url, None
    from pgshift.db.embedded import project_server

    status = project_server(settings).ensure_running()
    assert status.url is not None
    try:
        where = status.data_dir.relative_to(Path.cwd())
    except ValueError:
        where = status.data_dir
    return status.url, (
        f"using the embedded PostgreSQL {status.version} in {where} "
        "(no DATABASE_URL set; 'pgshift embedded stop' stops it)"
    )
