"""pgshift: PostgreSQL schema migrations, applied exactly once, safely and fast.

The library never prints and never exits: each function returns a value or
raises :class:`PgshiftError`. Call :func:`migrate` at application start-up from
as many replicas as you like; each migration runs once.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pgshift.api import (
        DownResult,
        LintResult,
        MigrateResult,
        RepairResult,
        SchemaResult,
        StatusResult,
        baseline,
        down,
        ensure,
        inspect_schema,
        lint,
        migrate,
        repair,
        resolve_url,
        status,
    )
    from pgshift.config import Settings, load_settings
    from pgshift.db.replicas import ReplicaLag, ReplicaWatch
    from pgshift.errors import (
        ConfigError,
        ConnectError,
        DiscoveryError,
        EmbeddedError,
        HistoryError,
        LintRefused,
        LockTimeout,
        MigrationError,
        NotReversible,
        PermissionDenied,
        PgshiftError,
        PoolerDetected,
        ReadOnly,
        ServerError,
        SqlError,
    )
    from pgshift.events import Event, RunResult
    from pgshift.lint.model import Finding, Severity
    from pgshift.migrations.discovery import Migration, discover
    from pgshift.migrations.plan import Entry, Status
    from pgshift.migrations.running import wait_for_replicas
    from pgshift.migrations.scaffold import init, new
    from pgshift.online.backfills import Progress, backfill
    from pgshift.schema.compare import Difference, compare
    from pgshift.schema.model import Schema
    from pgshift.version import __version__
    from pgshift.workflows.drift import DriftResult, drift
    from pgshift.workflows.verify import VerifyResult, verify

# Imported on first use, so that commands needing no server (lint, --help) never
# load the database driver.
_EXPORTS = {
    "ConfigError": "pgshift.errors",
    "ConnectError": "pgshift.errors",
    "DiscoveryError": "pgshift.errors",
    "DownResult": "pgshift.workflows.migrate",
    "EmbeddedError": "pgshift.errors",
    "Entry": "pgshift.migrations.plan",
    "Event": "pgshift.events",
    "HistoryError": "pgshift.errors",
    "LockTimeout": "pgshift.errors",
    "MigrateResult": "pgshift.workflows.migrate",
    "LintResult": "pgshift.lint.files",
    "lint": "pgshift.api",
    "backfill": "pgshift.online.backfills",
    "Progress": "pgshift.online.backfills",
    "ReplicaLag": "pgshift.db.replicas",
    "ReplicaWatch": "pgshift.db.replicas",
    "wait_for_replicas": "pgshift.migrations.running",
    "LintRefused": "pgshift.errors",
    "Finding": "pgshift.lint.model",
    "Severity": "pgshift.lint.model",
    "Migration": "pgshift.migrations.discovery",
    "MigrationError": "pgshift.errors",
    "NotReversible": "pgshift.errors",
    "PermissionDenied": "pgshift.errors",
    "PgshiftError": "pgshift.errors",
    "PoolerDetected": "pgshift.errors",
    "ReadOnly": "pgshift.errors",
    "RepairResult": "pgshift.migrations.repair",
    "RunResult": "pgshift.events",
    "Schema": "pgshift.schema.model",
    "SchemaResult": "pgshift.api",
    "ServerError": "pgshift.errors",
    "Settings": "pgshift.config",
    "SqlError": "pgshift.errors",
    "Status": "pgshift.migrations.plan",
    "StatusResult": "pgshift.api",
    "__version__": "pgshift.version",
    "baseline": "pgshift.api",
    "discover": "pgshift.migrations.discovery",
    "down": "pgshift.api",
    "ensure": "pgshift.api",
    "init": "pgshift.migrations.scaffold",
    "inspect_schema": "pgshift.api",
    "load_settings": "pgshift.config",
    "migrate": "pgshift.api",
    "new": "pgshift.migrations.scaffold",
    "repair": "pgshift.api",
    "resolve_url": "pgshift.db.connection",
    "status": "pgshift.api",
    "Difference": "pgshift.schema.compare",
    "compare": "pgshift.schema.compare",
    "DriftResult": "pgshift.workflows.drift",
    "drift": "pgshift.workflows.drift",
    "VerifyResult": "pgshift.workflows.verify",
    "verify": "pgshift.workflows.verify",
}


class LintPackage(ModuleType):
    """The type of the :mod:`pgshift.lint` package. ``pgshift.lint`` names both that
    package and the API function :func:`pgshift.api.lint`, and importing the package
    binds the name to it: so the package, called, is the function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # looked up as the other exports are: the lint package sits below the API
        return import_module(_EXPORTS["lint"]).lint(*args, **kwargs)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ConfigError",
    "ConnectError",
    "Difference",
    "DiscoveryError",
    "DownResult",
    "DriftResult",
    "EmbeddedError",
    "Entry",
    "Event",
    "Finding",
    "HistoryError",
    "LintRefused",
    "LintResult",
    "LockTimeout",
    "MigrateResult",
    "Migration",
    "MigrationError",
    "NotReversible",
    "PermissionDenied",
    "PgshiftError",
    "PoolerDetected",
    "Progress",
    "ReadOnly",
    "RepairResult",
    "ReplicaLag",
    "ReplicaWatch",
    "RunResult",
    "Schema",
    "SchemaResult",
    "ServerError",
    "Settings",
    "Severity",
    "SqlError",
    "Status",
    "StatusResult",
    "VerifyResult",
    "__version__",
    "backfill",
    "baseline",
    "compare",
    "discover",
    "down",
    "drift",
    "ensure",
    "init",
    "inspect_schema",
    "lint",
    "load_settings",
    "migrate",
    "new",
    "repair",
    "resolve_url",
    "status",
    "verify",
    "wait_for_replicas",
]
