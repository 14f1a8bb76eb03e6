"""A fleet's targets: databases (and schemas in them) from URLs, a file and queries.

``[fleet]`` in ``pgshift.toml`` lists URLs (``targets``), names a file of URLs
(``targets_file``), and asks the main database for more (``targets_query`` returns
database names, or URLs); ``schemas_query`` then turns each database into one target
per schema it returns (a schema per tenant). Every name a query returns is checked
before anything runs, and a list that comes to nothing is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pgshift.config import Settings
from pgshift.db.connection import connect, describe, resolve_url
from pgshift.errors import ConfigError

if TYPE_CHECKING:
    import psycopg

# the names pgshift's settings accept as a schema (config.py's check, restated here so
# that a tenant's schema goes on search_path and into its history table's name as is)
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Target:
    """One database of a fleet, or one tenant's schema in a database."""

    url: str
    schema: str | None = None  # schema per tenant: first on search_path, holds its history

    @property
    def name(self) -> str:
        """``user@host:port/dbname`` (and ``#schema``), never with a password."""
        where = describe(self.url)
        return f"{where}#{self.schema}" if self.schema else where

    @property
    def server(self) -> str:
        """The server the target lives on (``host:port``): the pool spreads work across them."""
        where = describe(self.url)
        return where.split("@", 1)[-1].rsplit("/", 1)[0]

    @property
    def folder(self) -> str:
        """A folder name of this target's own (its backups are kept and pruned there)."""
        import hashlib

        where = self.name.split("@", 1)[-1]
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", where).strip("_")
        return f"{safe}-{hashlib.sha256(self.name.encode()).hexdigest()[:8]}"

    def settings(self, settings: Settings) -> Settings:
        """``settings`` pointed at this target: its URL, its schema's history and
        search_path, and a backups folder of its own (``backup_keep`` counts per target,
        so one destructive migration on 200 targets does not prune 180 of their backups)."""
        chosen = settings.with_url(self.url, "the fleet's targets")
        chosen = replace(chosen, backups_dir=settings.backups_dir / "fleet" / self.folder)
        if self.schema is None:
            return chosen
        return replace(chosen, schema=self.schema, search_path=(self.schema,))


def as_targets(items: Iterable[str | Target]) -> tuple[Target, ...]:
    """Targets from URLs (or targets), in order, each once."""
    seen: dict[Target, None] = {}
    for item in items:
        target = item if isinstance(item, Target) else Target(item.strip())
        if not target.url:
            raise ConfigError("a fleet target has an empty URL.", "Give each target a URL.")
        seen.setdefault(target, None)
    return tuple(seen)


def resolve_targets(settings: Settings) -> tuple[Target, ...]:
    """The targets ``[fleet]`` names, in order: URLs, the file's, the query's, then a
    target per schema when ``schemas_query`` is set. Raises :class:`ConfigError` when
    there is no ``[fleet]`` table, a name is not one, or the list comes to nothing."""
    fleet = settings.fleet
    if fleet is None:
        raise ConfigError(
            "no fleet is configured: pgshift.toml has no [fleet] table.",
            'Add one, for example:\n  [fleet]\n  targets = ["postgresql://db1/app", '
            '"postgresql://db2/app"]\n  targets_query = "SELECT datname FROM pg_database '
            "WHERE datname LIKE 'tenant_%'\"\n(or pass the targets to pgshift.fleet.migrate).",
        )
    urls: list[str] = list(fleet.targets)
    if fleet.targets_file is not None:
        urls += _read_file(fleet.targets_file)
    main: str | None = None
    if fleet.targets_query is not None:
        main = _main_url(settings)
        urls += [
            _database_url(main, value)
            for value in _names(
                settings, main, fleet.targets_query, "targets_query", _check_database
            )
        ]
    if fleet.schemas_query is None:
        targets = as_targets(urls)
    else:
        bases = urls or [main or _main_url(settings)]
        found: list[Target] = []
        for url in as_targets(bases):
            for schema in _names(
                settings, url.url, fleet.schemas_query, "schemas_query", _check_schema
            ):
                found.append(Target(url.url, schema))
        targets = as_targets(found)
    if not targets:
        said = [
            *(["targets"] if fleet.targets else []),
            *(["targets_file"] if fleet.targets_file else []),
            *(["targets_query"] if fleet.targets_query else []),
            *(["schemas_query"] if fleet.schemas_query else []),
        ]
        raise ConfigError(
            f"{fleet.source}: the fleet has no targets: "
            + (f"{', '.join(said)} came to nothing." if said else "[fleet] names none."),
            "A fleet run with no targets would report success having done nothing. Check "
            "the queries' conditions (run them in psql) or list the targets.",
        )
    return targets


def _read_file(path: Any) -> list[str]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ConfigError(
            f"{path}: the fleet's targets_file cannot be read ({exc.strerror}).",
            "Check the path in [fleet] targets_file (relative to pgshift.toml).",
        ) from exc
    urls = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if "://" not in text and "=" not in text:
            raise ConfigError(
                f"{path}:{number}: {text!r} is not a database URL.",
                "Write one URL per line (postgresql://user@host:port/dbname); lines "
                "starting with # are comments.",
            )
        urls.append(text)
    return urls


def _main_url(settings: Settings) -> str:
    url, _ = resolve_url(settings)
    return url


def _database_url(main: str, value: str) -> str:
    """The main URL with its database replaced by ``value`` (a URL is taken as it is)."""
    if "://" in value or "=" in value:
        return value
    if main.startswith(("postgresql://", "postgres://")):
        from urllib.parse import quote, urlsplit, urlunsplit

        parts = urlsplit(main)
        return urlunsplit(parts._replace(path="/" + quote(value, safe="")))
    from psycopg.conninfo import make_conninfo

    return make_conninfo(main, dbname=value)


def _check_database(value: str) -> str | None:
    if "://" in value or "=" in value:
        return None  # a URL: checked when it connects
    if not value or len(value.encode()) > 63 or _CONTROL.search(value):
        return "not a database name (1 to 63 bytes, no control characters)"
    return None


def _check_schema(value: str) -> str | None:
    if not _SCHEMA.match(value):
        return (
            "not a plain lower-case identifier (a tenant's schema goes on search_path and "
            "holds its history table by that name)"
        )
    if value.startswith("pg_") or value == "information_schema":
        return "a system schema"
    return None


def _names(
    settings: Settings,
    url: str,
    query: str,
    key: str,
    check: Any,
) -> list[str]:
    """The first column of ``query`` on ``url``, every value checked by ``check``."""
    conn = connect(
        url,
        source=f"[fleet] {key}",
        connect_timeout=settings.connect_timeout,
        application_name=settings.application_name,
    )
    try:
        rows = _rows(conn, query, key, url)
    finally:
        conn.close()
    values: list[str] = []
    bad: list[str] = []
    for row in rows:
        value = row[0] if row else None
        if not isinstance(value, str):
            bad.append(f"{value!r}: not text")
            continue
        problem = check(value)
        if problem:
            bad.append(f"{value!r}: {problem}")
        else:
            values.append(value)
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise ConfigError(
            f"[fleet] {key} on {describe(url)} returned {len(bad)} value"
            f"{'s' if len(bad) > 1 else ''} that cannot be a target: {shown}. Nothing was run.",
            "Narrow the query's condition to the tenants' names, or rename them.",
        )
    return values


def _rows(conn: psycopg.Connection[Any], query: str, key: str, url: str) -> Sequence[Any]:
    import psycopg

    try:
        cursor = conn.execute(query)  # the user's own SQL, from their config file
    except psycopg.Error as exc:
        raise ConfigError(
            f"[fleet] {key} failed on {describe(url)}: "
            f"{exc.diag.message_primary or exc} (SQLSTATE {exc.sqlstate}). Nothing was run.",
            "Run the query in psql against that database and fix it in pgshift.toml.",
        ) from exc
    if cursor.description is None:
        raise ConfigError(
            f"[fleet] {key} on {describe(url)} returned no rows at all: it is not a query.",
            "Write a SELECT whose first column is the name.",
        )
    return cursor.fetchall()
