"""A plain WSGI application that starts the pgshift way.

Two patterns, one file:

- ``MIGRATE_ON_START=1`` (one release step, or every replica: pgshift's lock makes
  each migration run once): ``pgshift.migrate()`` before serving.
- otherwise the replica never migrates; it waits, up to ``SCHEMA_WAIT`` seconds, for
  the schema version its code needs (``pgshift.ensure``), and reports not ready until
  then.

Run it with any WSGI server, for example::

    DATABASE_URL=postgresql://app@localhost/app python -m wsgiref.simple_server ...

or ``python examples/startup/app.py`` for the standard library's server on port 8000.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pgshift

MIGRATIONS = Path(__file__).resolve().parent.parent / "saas" / "migrations"
# the newest migration this code was written for: a replica of it needs the schema there
SCHEMA_VERSION = "0008"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def start(url: str, *, migrate: bool, wait: float) -> str:
    """What the application does before serving; returns the schema version it found."""
    if migrate:
        pgshift.migrate(url, directory=MIGRATIONS)
    state = pgshift.ensure(url, directory=MIGRATIONS, version=SCHEMA_VERSION, wait=wait)
    return state.status.current or "none"


def create_app(url: str, *, migrate: bool = False, wait: float = 30.0) -> Callable[..., Any]:
    """The WSGI application, started: raises (and so the process exits) when the schema
    never reaches the version the code needs."""
    version = start(url, migrate=migrate, wait=wait)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/ready":
            body = json.dumps({"ready": True, "schema": version}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return app


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    application = create_app(
        os.environ["DATABASE_URL"],
        migrate=os.environ.get("MIGRATE_ON_START") == "1",
        wait=float(os.environ.get("SCHEMA_WAIT", "30")),
    )
    make_server("", 8000, application).serve_forever()
