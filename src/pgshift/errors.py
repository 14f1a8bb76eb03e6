"""The one error tree of pgshift.

Every failure the library reports is a :class:`PgshiftError`: a message (what
happened, and where) and a hint (what to do next). The CLI alone turns them into
a paragraph and an exit code; the library never prints.

::

    PgshiftError
    ├── ConfigError            bad setting, unknown key, bad value
    ├── DiscoveryError         bad file name, duplicate version, bad directive, ...
    │   └── SqlError           a statement that cannot be parsed or is refused
    ├── ConnectError           server unreachable, wrong password, no database
    ├── EmbeddedError          the embedded server cannot start or is missing
    ├── LockTimeout            another runner kept the migration lock too long
    ├── PoolerDetected         a pooler between pgshift and the server would break the lock
    ├── HistoryError           history and files disagree (edited, missing, out of order)
    ├── ServerError            the server refused pgshift's own work (sqlstate)
    │   ├── PermissionDenied   the role lacks a privilege pgshift needs
    │   └── ReadOnly           the database takes no writes (a standby, read-only setting)
    ├── MigrationError         a statement failed while migrating
    ├── LintRefused            an error-level lint finding stopped migrate
    └── NotReversible          a down was asked of a migration without one
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: pathlib costs `pgshift --help` 4 ms
    from pathlib import Path


class PgshiftError(Exception):
    """Root of every error pgshift raises: a message and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class ConfigError(PgshiftError):
    """A setting is unknown, malformed or out of range."""


class DiscoveryError(PgshiftError):
    """A migration file cannot be read or named as pgshift expects."""

    def __init__(
        self, message: str, hint: str = "", *, path: Path | None = None, line: int | None = None
    ) -> None:
        super().__init__(message, hint)
        self.path = path
        self.line = line


class SqlError(DiscoveryError):
    """A statement cannot be parsed, or is refused before anything runs."""


class ConnectError(PgshiftError):
    """The server cannot be reached or refuses the connection."""


class EmbeddedError(PgshiftError):
    """The embedded server cannot be used."""


class LockTimeout(PgshiftError):
    """Another runner held the migration lock for longer than the wait allows."""


class PoolerDetected(PgshiftError):
    """A connection pooler or proxy sits between pgshift and the server."""


class HistoryError(PgshiftError):
    """The history table and the migration files disagree."""


class ServerError(PgshiftError):
    """The server refused what pgshift itself asked of it (not a migration's statement)."""

    def __init__(self, message: str, hint: str = "", *, sqlstate: str | None = None) -> None:
        super().__init__(message, hint)
        self.sqlstate = sqlstate


class PermissionDenied(ServerError):
    """The role pgshift connects as lacks a privilege pgshift needs."""


class ReadOnly(ServerError):
    """The database takes no writes: a standby, or a read-only default for the role or
    database."""


class NotReversible(PgshiftError):
    """A migration asked to go down has no down part."""


class MigrationError(PgshiftError):
    """A statement failed while a migration ran; nothing of that migration was kept."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        path: Path | None = None,
        line: int | None = None,
        statement: str | None = None,
        sqlstate: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.path = path
        self.line = line
        self.statement = statement
        self.sqlstate = sqlstate


class LintRefused(PgshiftError):
    """``migrate`` found an unacknowledged error-level lint finding; nothing was run."""

    def __init__(self, message: str, hint: str = "", findings: tuple[object, ...] = ()) -> None:
        super().__init__(message, hint)
        self.findings = findings
