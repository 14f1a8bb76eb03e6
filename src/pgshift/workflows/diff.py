"""``pgshift diff``: the SQL from one schema to another, each read from wherever it is.

A *source* is one of: a database URL (read as it is, never written), a
migrations directory (every file applied, in order, on a scratch database), a
schema SQL file (loaded into a scratch database), or ``empty`` (a new database).
Scratch databases live on the project's server (``DATABASE_URL``, else the
embedded one) and are dropped afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgshift.config import Settings, settings_for
from pgshift.db.connection import connect, describe
from pgshift.errors import ConfigError, MigrationError, PgshiftError
from pgshift.events import Event, EventHandler, emit
from pgshift.schema.model import Schema
from pgshift.schema.sql import DiffScript, diff_script

EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a schema comes from."""

    kind: str  # "database", "migrations", "file", "empty"
    where: str  # the URL (shown without password), the path, or "empty"
    value: str  # what to read: the URL or the path

    @property
    def label(self) -> str:
        """How reports name it."""
        return {
            "database": f"database {self.where}",
            "migrations": f"the migrations in {self.where}",
            "file": f"schema file {self.where}",
            "empty": "an empty database",
        }[self.kind]


@dataclass(frozen=True, slots=True)
class DiffResult:
    """The script from one source's schema to the other's."""

    source: Source
    target: Source
    script: DiffScript
    notes: tuple[str, ...] = ()

    @property
    def different(self) -> bool:
        """Whether the two schemas differ."""
        return not self.script.empty


def parse_source(text: str) -> Source:
    """Tell a URL from a directory, a ``.sql`` file and ``empty``."""
    if text == EMPTY:
        return Source("empty", EMPTY, EMPTY)
    if "://" in text or ("=" in text and not Path(text).exists()):
        return Source("database", describe(text), text)
    path = Path(text)
    if path.is_dir():
        return Source("migrations", str(path), str(path))
    if path.suffix.lower() == ".sql" and path.is_file():
        return Source("file", str(path), str(path))
    if path.suffix.lower() == ".sql":
        raise ConfigError(
            f"{text}: no such schema file.",
            "Give the path of a .sql file, a migrations directory, a database URL or 'empty'.",
        )
    raise ConfigError(
        f"{text}: not a database URL, a migrations directory, a .sql file or 'empty'.",
        "Examples: postgresql://app@localhost/app, migrations/, schema.sql, empty.",
    )


def load_sql_file(conn: Any, path: Path) -> None:
    """Run a schema file's statements in one transaction; ``file:line`` on failure."""
    import psycopg

    from pgshift.migrations.sections import Section
    from pgshift.migrations.statements import split

    text = path.read_text(encoding="utf-8")
    statements = split(Section(text, path))
    with conn.transaction():
        for statement in statements:
            try:
                conn.execute(statement.sql, prepare=False)
            except psycopg.Error as exc:
                diag = getattr(exc, "diag", None)
                message = (getattr(diag, "message_primary", None) or str(exc)).strip()
                raise MigrationError(
                    f"{path}:{statement.line}: {message}\n    "
                    + "\n    ".join(statement.sql.splitlines()[:6]),
                    "The schema file must build its schema in an empty database, in order "
                    "(a type before the table using it). Fix it and run again; nothing was "
                    "changed anywhere but in a scratch database.",
                    path=path,
                    line=statement.line,
                    statement=statement.sql,
                    sqlstate=getattr(exc, "sqlstate", None),
                ) from exc


def read_schema(
    source: Source,
    settings: Settings,
    on_note: Callable[[str], None] | None = None,
) -> Schema:
    """The model of ``source``'s schema (pgshift's own schema left out)."""
    return _read(source, settings, on_note)[0]


def _read(
    source: Source, settings: Settings, on_note: Callable[[str], None] | None
) -> tuple[Schema, int | None]:
    """:func:`read_schema`, and the server's version when ``source`` is a database (the
    server a script from it runs on)."""
    from pgshift.schema.introspect import inspect

    if source.kind == "database":

        def opened() -> Any:
            return connect(
                source.value,
                source="argument",
                connect_timeout=settings.connect_timeout,
                application_name=settings.application_name,
            )

        # two connections share the catalog queries (one snapshot), as 'dump' does
        with contextlib.closing(opened()) as conn, contextlib.closing(opened()) as helper:
            schema = inspect(conn, exclude=(settings.schema,), helper=helper)
            return schema, int(conn.info.server_version)
    if source.kind == "migrations":
        from dataclasses import replace

        from pgshift.migrations.discovery import project_migrations
        from pgshift.workflows.drift import replay_schema

        folder = replace(settings, migrations_dir=Path(source.value))
        return replay_schema(folder, project_migrations(folder).fresh, on_note), None
    from pgshift.db.scratch import scratch_database

    with (
        scratch_database(settings, on_note) as url,
        contextlib.closing(connect(url, source="argument")) as conn,
    ):
        if source.kind == "file":
            load_sql_file(conn, Path(source.value))
        return inspect(conn, exclude=(settings.schema,)), None


def diff(
    from_source: str,
    to_source: str,
    *,
    settings: Settings | None = None,
    url: str | None = None,
    allow_destructive: bool = False,
    renames: bool = True,
    extension_versions: bool = True,
    on_event: EventHandler | None = None,
) -> DiffResult:
    """The SQL that takes ``from_source``'s schema to ``to_source``'s.

    Each is a database URL, a migrations directory, a ``.sql`` schema file or
    ``empty``. With ``extension_versions=False`` extensions are compared by name only.
    Raises :class:`~pgshift.schema.sql.DestructiveChange` when the script
    would destroy data, unless ``allow_destructive``.
    """
    settings = settings_for(settings, url, None)
    notes: list[str] = []

    def note(text: str) -> None:
        if text not in notes:
            notes.append(text)
            emit(on_event, Event("note", text))

    source, target = parse_source(from_source), parse_source(to_source)
    # the two sides are read at once: each waits mostly on its server
    with ThreadPoolExecutor(max_workers=2) as pool:
        reading = pool.submit(read_schema, target, settings, note)
        before, server_version = _read(source, settings, note)
        after = reading.result()
    if not extension_versions:  # the same extensions, whatever version each side has
        before, after = _unversioned(before), _unversioned(after)
    try:
        script = diff_script(
            before,
            after,
            allow_destructive=allow_destructive,
            renames=renames,
            server_version=server_version,
        )
    except PgshiftError as exc:
        exc.message = f"from {source.label} to {target.label}: {exc.message}"
        raise
    return DiffResult(source, target, script, tuple(notes))


def _unversioned(schema: Schema) -> Schema:
    """``schema`` with no extension version: versions are not compared nor written."""
    from dataclasses import replace

    return replace(schema, extensions=tuple(replace(e, version="") for e in schema.extensions))
