"""The library API: what the CLI calls and what an application calls at start-up.

Each function resolves settings (unless given), opens a session (connects, and
takes the migration lock when it writes), makes one call into the subsystem that
does the work, and returns a value; failures raise :class:`PgshiftError`. Many
replicas may call :func:`migrate` at once: each migration runs exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgshift.config import Settings, settings_for
from pgshift.db.connection import resolve_url
from pgshift.errors import HistoryError
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations.plan import Status
from pgshift.migrations.session import Session, open_session, reading_session, status_of

if TYPE_CHECKING:
    from pgshift.lint.files import LintResult
    from pgshift.migrations.repair import RepairResult
    from pgshift.online.locks import Observed
    from pgshift.safety.manifest import Backup
    from pgshift.safety.restore import Action as RestoreAction
    from pgshift.safety.restore import Restored
    from pgshift.schema.model import Schema
    from pgshift.workflows.migrate import DownResult, MigrateResult

__all__ = [
    "DownResult",
    "EventHandler",
    "LintResult",
    "MigrateResult",
    "RepairResult",
    "RestorePlan",
    "RestoreResult",
    "SchemaResult",
    "StatusResult",
    "backups",
    "baseline",
    "down",
    "ensure",
    "explain_locks",
    "inspect_schema",
    "lint",
    "migrate",
    "repair",
    "resolve_url",
    "restore",
    "restore_plan",
    "status",
]


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The state of every migration on one database."""

    target: str
    status: Status
    notes: tuple[str, ...] = ()
    layout: str = "pgshift"  # the layout the directory was read by
    layout_detected: bool = True  # False: pinned by the settings


def migrate(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    to: str | None = None,
    dry_run: bool = False,
    allow_out_of_order: bool | None = None,
    lint: bool = True,
    backup: bool = True,
    on_event: EventHandler | None = None,
    wait_replicas: bool = False,
) -> MigrateResult:
    """Apply every pending migration (up to version ``to``) exactly once.

    Safe to call from many processes at once. Every pending file is parsed,
    checked and linted before the first one runs: an unacknowledged error-level
    finding raises :class:`LintRefused` and nothing runs (``lint=False`` skips
    the lint). A migration that destroys data has it backed up first
    (``backup=False`` skips that for files that say ``-- pgshift:no-backup``).
    With ``dry_run`` nothing is written and ``script`` holds the exact SQL, in order.

    With ``max_replica_lag`` in the settings, each migration (and each batch of a
    :func:`pgshift.backfill`) waits while a replica's replay lag is above it. With
    ``wait_replicas``, it returns only once every replica has replayed the run (even
    one with nothing to do), so that what is rolled out next never reads an old schema
    from a replica.
    """
    from pgshift.workflows.migrate import apply_pending

    return apply_pending(
        settings_for(settings, url, directory),
        to=to,
        dry_run=dry_run,
        allow_out_of_order=allow_out_of_order,
        lint=lint,
        backup=backup,
        on_event=on_event,
        wait_replicas=wait_replicas,
    )


def status(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> StatusResult:
    """The state of every migration: applied, pending, changed, missing, out of order."""
    settings = settings_for(settings, url, directory)
    with reading_session(settings, on_event) as (session, found):
        return StatusResult(
            session.target,
            status_of(session, found.migrations),
            tuple(session.notes),
            found.layout,
            found.detected,
        )


def ensure(
    url: str | None = None,
    *,
    version: str | None = None,
    wait: float = 0.0,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> StatusResult:
    """Return once the database has every migration up to ``version`` (default: every
    file) applied, waiting up to ``wait`` seconds for another process to apply them.

    Never migrates: this is the readiness check of a replica that must not run
    migrations but needs the schema its code was written for. Raises
    :class:`HistoryError` when the schema is still behind after ``wait``, or when
    history and files disagree (an edited or missing file).
    """
    import time

    from pgshift.migrations.discovery import version_key
    from pgshift.migrations.plan import _problem

    settings = settings_for(settings, url, directory)
    limit = version_key(version) if version is not None else None
    deadline = time.monotonic() + wait
    pause = 0.2
    while True:
        result = status(settings=settings, on_event=on_event)
        if result.status.problems:
            raise _problem(result.status.problems[0], result.status)
        behind = [
            e
            for e in result.status.pending
            if e.migration is not None
            and (limit is None or (e.version is not None and version_key(e.version) <= limit))
        ]
        if not behind:
            return result
        left = deadline - time.monotonic()
        if left <= 0:
            names = ", ".join(e.migration.name if e.migration else e.label for e in behind[:5]) + (
                ", ..." if len(behind) > 5 else ""
            )
            wanted = f"version {version}" if version else "the newest migration"
            raise HistoryError(
                f"{result.target} is not at {wanted}: {len(behind)} migration"
                f"{'s are' if len(behind) != 1 else ' is'} not applied ({names})"
                + (f" after waiting {wait:g} s." if wait else "."),
                "Run 'pgshift migrate' (or let the replica that migrates finish), or wait "
                "longer (wait=...).",
            )
        emit(on_event, Event("wait", f"waiting for {len(behind)} migration(s) to be applied"))
        time.sleep(min(pause, left))
        pause = min(pause * 2, 2.0)


def down(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    to: str | None = None,
    steps: int | None = None,
    backup: bool = True,
    on_event: EventHandler | None = None,
) -> DownResult:
    """Revert applied migrations, newest first: to version ``to`` (exclusive) or ``steps``
    of them (default 1). Refuses, before running anything, if one has no down part.
    Data a down part destroys is backed up first, as for :func:`migrate`."""
    from pgshift.workflows.migrate import revert

    return revert(
        settings_for(settings, url, directory),
        to=to,
        steps=steps,
        backup=backup,
        on_event=on_event,
    )


def repair(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    forget_missing: bool = False,
    accept_renamed: bool = False,
    on_event: EventHandler | None = None,
) -> RepairResult:
    """Accept the current checksum of edited applied files (and, with ``forget_missing``,
    drop the history rows of files that are gone). Runs no migration SQL.

    A file whose version history records under another name is another migration
    until the caller says otherwise: refused (:class:`HistoryError`, nothing recorded)
    unless ``accept_renamed``, which records the file's name and checksum instead."""
    from pgshift.migrations import repair as repairs

    return repairs.repair(
        settings_for(settings, url, directory),
        forget_missing=forget_missing,
        accept_renamed=accept_renamed,
        on_event=on_event,
    )


def baseline(
    version: str,
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> tuple[str, ...]:
    """Record every migration up to ``version`` as applied without running it, for a
    database built before pgshift. Refuses when history already has rows."""
    from pgshift.migrations import repair as repairs

    return repairs.baseline(version, settings_for(settings, url, directory), on_event=on_event)


@dataclass(frozen=True, slots=True)
class SchemaResult:
    """The live schema of one database, with each table's row estimate and size."""

    target: str
    schema: Schema
    sizes: dict[str, tuple[int, int]]


def inspect_schema(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> SchemaResult:
    """Read the model of the database's user schemas (pgshift's own left out)."""
    from pgshift.schema.introspect import inspect, sizes

    settings = settings_for(settings, url, None)
    with open_session(settings, write=False, on_event=on_event) as session:
        model = inspect(session.conn, exclude=(settings.schema,), helper=session.work())
        return SchemaResult(session.target, model, sizes(session.conn, model))


def lint(
    paths: Sequence[str | Path] = (),
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    pg_version: int | None = None,
    connect: bool = False,
    cache: bool = True,
    on_event: EventHandler | None = None,
) -> LintResult:
    """Lint migration files: ``paths`` (files or folders) without a server, unless
    ``url`` or ``connect`` is given; with no paths, the pending migrations of the
    database. With a server, findings know its version and each table's row estimate.
    """
    from pgshift.lint.files import lint_project

    return lint_project(
        settings_for(settings, url, directory),
        [Path(p) for p in paths],
        connect=connect or url is not None,
        pg_version=pg_version,
        cache=cache,
        on_event=on_event,
    )


def explain_locks(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> tuple[Observed, ...]:
    """Run the pending migrations on a scratch copy of the schema (structure only, a new
    database on the same server, dropped afterwards) and report, per statement, the
    locks taken and the tables rewritten, beside what the linter predicted."""
    from pgshift.online.locks import observe_pending

    return observe_pending(settings_for(settings, url, directory), on_event)


@dataclass(frozen=True, slots=True)
class RestorePlan:
    """What a restore would do, item by item, before anything is changed."""

    target: str
    backup: Backup
    actions: tuple[RestoreAction, ...]


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore put back."""

    target: str
    backup: Backup
    restored: tuple[Restored, ...]


def backups(settings: Settings | None = None) -> tuple[Backup, ...]:
    """The backups in the project's backups folder, oldest first."""
    from pgshift.safety.backups_dir import list_backups

    settings = settings_for(settings, None, None)
    return list_backups(settings.backups_dir)


def restore_plan(
    name: str,
    *,
    settings: Settings | None = None,
    url: str | None = None,
    other_database: bool = False,
) -> RestorePlan:
    """Read backup ``name`` (folder name, prefix, path or ``latest``), check its files,
    and say what restoring it would do; nothing is changed. A backup is restored
    into the database it came from unless ``other_database``."""
    from pgshift.safety.backups_dir import find_backup
    from pgshift.safety.restore import plan

    settings = settings_for(settings, url, None)
    found = find_backup(settings.backups_dir, name)
    with open_session(settings, write=False, on_event=None) as session:
        _same_database(session, found, other_database)
        return RestorePlan(session.target, found, plan(session.conn, found))


def _same_database(session: Session, found: Backup, other_database: bool) -> None:
    from pgshift.safety.manifest import BackupError

    source = str(found.database.get("server", "?"))
    if other_database or source == session.target:
        return
    raise BackupError(
        f"backup {found.name} was taken from {source}, not from {session.target}; "
        "nothing was restored.",
        "Point --url (or DATABASE_URL) at the database it came from, or pass "
        "--other-database to restore it here all the same.",
    )


def restore(
    name: str,
    *,
    settings: Settings | None = None,
    url: str | None = None,
    other_database: bool = False,
    on_event: EventHandler | None = None,
) -> RestoreResult:
    """Put backup ``name`` back: every item that :func:`restore_plan` does not refuse,
    each all or nothing, under the migration lock."""
    from pgshift.safety.backups_dir import find_backup
    from pgshift.safety.restore import apply, plan

    settings = settings_for(settings, url, None)
    found = find_backup(settings.backups_dir, name)
    with open_session(settings, write=True, on_event=on_event) as session:
        _same_database(session, found, other_database)
        actions = plan(session.conn, found)
        done = apply(
            session.url,
            found,
            actions,
            session.conn.info.server_version // 10000,
            settings.pg_dump,
        )
        for restored in done:
            emit(on_event, Event("note", f"restored {restored.item.label}: {restored.rows:,} rows"))
            for note in restored.notes:
                emit(on_event, Event("note", note))
        return RestoreResult(session.target, found, done)


def __getattr__(name: str) -> object:
    # The result types of the subsystems, importable from here as before; loaded when
    # asked for, so that ``import pgshift.api`` stays light.
    homes = {
        "MigrateResult": "pgshift.workflows.migrate",
        "DownResult": "pgshift.workflows.migrate",
        "RepairResult": "pgshift.migrations.repair",
        "LintResult": "pgshift.lint.files",
    }
    if name in homes:
        from importlib import import_module

        return getattr(import_module(homes[name]), name)
    raise AttributeError(f"module 'pgshift.api' has no attribute {name!r}")
