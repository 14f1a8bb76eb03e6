"""pgshift: PostgreSQL schema migrations, applied exactly once, safely and fast.

The library never prints and never exits: each function returns a value or
raises :class:`PgshiftError`. Call :func:`migrate` at application start-up from
as many replicas as you like; each migration runs once.
"""

from pgshift.api import (
    DownResult,
    MigrateResult,
    RepairResult,
    StatusResult,
    baseline,
    down,
    migrate,
    repair,
    resolve_url,
    status,
)
from pgshift.config import Settings, load_settings
from pgshift.discovery import Migration, discover
from pgshift.errors import (
    ConfigError,
    ConnectError,
    DiscoveryError,
    EmbeddedError,
    HistoryError,
    LockTimeout,
    MigrationError,
    NotReversible,
    PgshiftError,
    PoolerDetected,
    SqlError,
)
from pgshift.events import Event, RunResult
from pgshift.plan import Entry, Status
from pgshift.scaffold import init, new
from pgshift.version import __version__

__all__ = [
    "ConfigError",
    "ConnectError",
    "DiscoveryError",
    "DownResult",
    "EmbeddedError",
    "Entry",
    "Event",
    "HistoryError",
    "LockTimeout",
    "MigrateResult",
    "Migration",
    "MigrationError",
    "NotReversible",
    "PgshiftError",
    "PoolerDetected",
    "RepairResult",
    "RunResult",
    "Settings",
    "SqlError",
    "Status",
    "StatusResult",
    "__version__",
    "baseline",
    "discover",
    "down",
    "init",
    "load_settings",
    "migrate",
    "new",
    "repair",
    "resolve_url",
    "status",
]
