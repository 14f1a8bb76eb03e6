"""The library API: what the CLI calls and what an application calls at start-up.

Each function resolves settings (unless given), connects, takes the migration
lock when it writes, and returns a value; failures raise :class:`PgshiftError`.
Many replicas may call :func:`migrate` at once: each migration runs exactly once.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgshift import history
from pgshift.config import Settings, load_settings
from pgshift.connection import connect, describe
from pgshift.discovery import Migration, project_migrations
from pgshift.errors import HistoryError, LintRefused
from pgshift.events import Event, RunResult
from pgshift.locking import AdvisoryLock, Holder
from pgshift.plan import Status, Step, compute_status, down_plan, make_plan
from pgshift.schema import Schema
from pgshift.version import __version__

if TYPE_CHECKING:
    import psycopg

    from pgshift.backup import Backup
    from pgshift.explain import Observed
    from pgshift.lint.model import Finding
    from pgshift.restore import Action as RestoreAction
    from pgshift.restore import Restored
    from pgshift.runner import Runner
    from pgshift.safety import BackupGuard
    from pgshift.statements import Statement

EventHandler = Callable[[Event], None]


@dataclass(frozen=True, slots=True)
class MigrateResult:
    """What a ``migrate`` did (or, for a dry run, would do)."""

    target: str
    applied: tuple[RunResult, ...] = ()
    planned: tuple[Migration, ...] = ()
    script: str | None = None
    notes: tuple[str, ...] = ()
    backups: tuple[Backup, ...] = ()  # taken before destructive migrations


@dataclass(frozen=True, slots=True)
class DownResult:
    """The migrations a ``down`` reverted, newest first."""

    target: str
    reverted: tuple[RunResult, ...] = ()
    notes: tuple[str, ...] = ()
    backups: tuple[Backup, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The state of every migration on one database."""

    target: str
    status: Status
    notes: tuple[str, ...] = ()
    layout: str = "pgshift"  # the layout the directory was read by
    layout_detected: bool = True  # False: pinned by the settings


@dataclass(frozen=True, slots=True)
class RepairResult:
    """History rows whose checksum was accepted, and rows forgotten."""

    target: str
    accepted: tuple[str, ...] = ()
    forgotten: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()  # recorded under their file's new name


@dataclass(slots=True)
class _Session:
    """One command's connections: ``conn`` reads (and holds the lock when writing);
    ``work()`` opens the second connection that migrations run on, only if needed."""

    settings: Settings
    url: str
    conn: psycopg.Connection[Any]
    opener: Callable[[], psycopg.Connection[Any]]
    notes: list[str] = field(default_factory=list)
    installed: int | None = None
    _work: psycopg.Connection[Any] | None = None

    @property
    def target(self) -> str:
        return describe(self.url)

    def work(self) -> psycopg.Connection[Any]:
        # The lock's session must stay idle, holding no snapshot, or a CREATE INDEX
        # CONCURRENTLY run by this very runner would wait for it.
        if self._work is None:
            self._work = self.opener()
        return self._work

    def close(self) -> None:
        if self._work is not None:
            self._work.close()


def _settings(settings: Settings | None, url: str | None, directory: str | Path | None) -> Settings:
    if settings is None:
        flags: dict[str, Any] = {"database_url": url}
        if directory is not None:
            flags["migrations"] = str(directory)
        return load_settings(flags)
    if url is not None:
        settings = settings.with_url(url)
    if directory is not None:
        from dataclasses import replace

        settings = replace(settings, migrations_dir=Path(directory))
    return settings


def resolve_url(settings: Settings) -> tuple[str, str | None]:
    """The URL to use and, for the embedded default, a one-line note saying so."""
    if settings.database_url is not None:
        return settings.database_url, None
    from pgshift.embedded import EmbeddedServer

    status = EmbeddedServer(settings.embedded_dir).ensure_running()
    assert status.url is not None
    try:
        where = status.data_dir.relative_to(Path.cwd())
    except ValueError:
        where = status.data_dir
    return status.url, (
        f"using the embedded PostgreSQL {status.version} in {where} "
        "(no DATABASE_URL set; 'pgshift embedded stop' stops it)"
    )


def _emit(on_event: EventHandler | None, event: Event) -> None:
    if on_event is not None:
        on_event(event)


@contextlib.contextmanager
def _session(
    settings: Settings,
    *,
    write: bool,
    on_event: EventHandler | None,
    create_history: bool = True,
) -> Iterator[_Session]:
    """Connect (and, to write, take the migration lock and bring pgshift's tables up to
    date). With ``create_history=False`` a database that has no history yet is left
    untouched: the caller creates it with :func:`_create_history` once it is sure to run.

    A server error that escapes pgshift's own work (its lock, its tables, reading the
    catalogs) leaves as a :class:`ServerError` paragraph, here and only here."""
    import psycopg

    from pgshift.sqlstate import server_error

    url, note = resolve_url(settings)
    if note:
        _emit(on_event, Event("note", note))
    source = settings.url_source

    def conn() -> psycopg.Connection[Any]:
        return connect(
            url,
            source=source,
            wait=settings.connect_wait,
            connect_timeout=settings.connect_timeout,
            application_name=settings.application_name,
        )

    first = conn()
    user = first.info.user
    notes = [note] if note else []
    try:
        if not write:
            reader = _Session(settings, url, first, conn, notes)
            try:
                yield reader
            finally:
                reader.close()
            return

        def waiting(who: Holder | None) -> None:
            held = who.describe() if who else "another session"
            _emit(on_event, Event("wait", f"waiting for the migration lock held by {held}"))

        lock = AdvisoryLock(
            first,
            settings.schema,
            wait=settings.lock_wait,
            on_wait=waiting,
            allow_pooler=settings.allow_pooler,
        )
        lock.acquire()
        session = _Session(settings, url, first, conn, notes)
        try:
            if create_history or history.installed_format(first, settings.schema) != 0:
                history.ensure(first, settings.schema)
                session.installed = history.FORMAT
            else:
                session.installed = 0
            yield session
        finally:
            session.close()
            lock.release()
    except psycopg.Error as exc:
        raise server_error(exc, target=describe(url), user=user, conn=first) from exc
    finally:
        first.close()


def _status(session: _Session, migrations: tuple[Migration, ...]) -> Status:
    schema = session.settings.schema
    installed = session.installed
    if installed is None:
        installed = history.installed_format(session.conn, schema)
    if installed == 0:
        return compute_status(migrations, ())
    return compute_status(
        migrations,
        history.read(session.conn, schema),
        history.read_journal(session.conn, schema),
    )


def _runner(
    session: _Session, *, dry_run: bool = False, on_event: EventHandler | None = None
) -> Runner:
    from pgshift.retry import Backoff
    from pgshift.runner import Runner  # not needed, nor imported, when nothing is pending

    def retrying(message: str) -> None:
        _emit(on_event, Event("wait", message))

    conn = session.conn if dry_run else session.work()

    def relay(notice: Any) -> None:
        # the progress of batched backfills, and what the server warns of
        message = notice.message_primary or ""
        if message.startswith("pgshift: ") or notice.severity_nonlocalized == "WARNING":
            _emit(on_event, Event("note", message.removeprefix("pgshift: ")))

    conn.add_notice_handler(relay)
    return Runner(
        conn,
        session.settings.schema,
        pgshift_version=__version__,
        lock_timeout=session.settings.lock_timeout,
        statement_timeout=session.settings.statement_timeout,
        backoff=Backoff(attempts=session.settings.lock_retries),
        concurrent_lock_timeout=session.settings.concurrent_lock_timeout,
        observer=None if dry_run else session.conn,
        on_retry=retrying,
    )


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
) -> MigrateResult:
    """Apply every pending migration (up to version ``to``) exactly once.

    Safe to call from many processes at once. Every pending file is parsed,
    checked and linted before the first one runs: an unacknowledged error-level
    finding raises :class:`LintRefused` and nothing runs (``lint=False`` skips
    the lint). A migration that destroys data has it backed up first
    (``backup=False`` skips that for files that say ``-- pgshift:no-backup``).
    With ``dry_run`` nothing is written and ``script`` holds the exact SQL, in order.
    """
    settings = _settings(settings, url, directory)
    migrations = project_migrations(settings).migrations
    out_of_order = settings.allow_out_of_order if allow_out_of_order is None else allow_out_of_order
    # A database without history is not touched before the lint has passed.
    with _session(
        settings, write=not dry_run, on_event=on_event, create_history=not lint
    ) as session:
        status = _status(session, migrations)
        steps = make_plan(status, target=to, allow_out_of_order=out_of_order)
        if not steps:
            return MigrateResult(session.target, notes=tuple(session.notes))
        runner = _runner(session, dry_run=dry_run, on_event=on_event)
        prepared = _fit_server(
            session,
            [
                (step, runner.prepare(step.migration) if step.migration.language == "sql" else ())
                for step in steps
            ],
        )
        if lint:
            _lint_before_running(session, prepared, on_event)
            if not dry_run and session.installed == 0:
                history.ensure(session.conn, settings.schema)
                session.installed = history.FORMAT
        if dry_run:
            script = "\n\n".join(runner.render(s.migration, stmts) for s, stmts in prepared)
            return MigrateResult(
                session.target,
                planned=tuple(s.migration for s in steps),
                script=script,
                notes=tuple(session.notes),
            )
        guard = _guard(session, backup, on_event)
        guard.check([(s.migration, stmts[s.resume_at :]) for s, stmts in prepared])
        results: list[RunResult] = []
        try:
            _apply_all(runner, prepared, results, on_event, guard)
        except BaseException:
            if results and not runner.conn.broken:
                with contextlib.suppress(Exception):  # never hide the error that stopped us
                    runner.flush()  # what did apply stays applied, durably
            raise
        return MigrateResult(
            session.target,
            applied=tuple(results),
            planned=tuple(s.migration for s in steps),
            notes=tuple(session.notes),
            backups=tuple(guard.taken),
        )


def _fit_server(
    session: _Session, prepared: list[tuple[Step, tuple[Statement, ...]]]
) -> list[tuple[Step, tuple[Statement, ...]]]:
    """Another tool's files, as that tool would run them on this server's version."""
    from dataclasses import replace

    from pgshift.layouts._common import for_server

    major = session.conn.info.server_version // 10000
    return [
        (replace(step, migration=for_server(step.migration, statements, major)), statements)
        for step, statements in prepared
    ]


def _guard(session: _Session, enabled: bool, on_event: EventHandler | None) -> BackupGuard:
    from pgshift.safety import BackupGuard

    def note(text: str) -> None:
        session.notes.append(text)
        _emit(on_event, Event("note", text))

    return BackupGuard(
        session.settings,
        session.url,
        session.conn,
        enabled=enabled,
        note=note,
        pgshift_version=__version__,
    )


def _lint_before_running(
    session: _Session,
    prepared: list[tuple[Step, tuple[Statement, ...]]],
    on_event: EventHandler | None,
) -> None:
    """Refuse to start when a pending file has an unacknowledged error-level finding."""
    from pgshift.lint.engine import lint_migration
    from pgshift.lint.files import options_from
    from pgshift.lint.model import Severity

    options = options_from(session.settings, pg_version=session.conn.info.server_version // 10000)
    findings = [
        finding
        for step, statements in prepared
        if statements
        for finding in lint_migration(step.migration, options, statements)
    ]
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        from pgshift.gate import waive_harmless

        errors, waived = waive_harmless(
            session.conn, [(step.migration, statements) for step, statements in prepared], errors
        )
        for note in waived:
            session.notes.append(note)
            _emit(on_event, Event("note", note))
        findings = [f for f in findings if f.severity != Severity.ERROR or f in errors]
    if errors:
        shown = "\n".join(
            f"    {f.path}:{f.line}: [{f.rule}] {f.message}\n      safe: {f.safe}"
            for f in errors[:5]
        )
        more = f"\n    ... and {len(errors) - 5} more" if len(errors) > 5 else ""
        first = errors[0]
        raise LintRefused(
            f"{first.path}:{first.line}: migrate refused to start: "
            f"{len(errors)} error-level lint finding{'s' if len(errors) > 1 else ''} "
            f"in the pending migrations; nothing was run.\n{shown}{more}",
            f"Write the statement the safe way, or, when it is meant, acknowledge it with "
            f"'-- pgshift:allow {first.rule}' on the line above the statement (or at the top "
            f"of the file for the whole file). 'pgshift lint' shows every finding.",
            tuple(errors),
        )
    if findings:
        files = len({f.path for f in findings})
        _emit(
            on_event,
            Event(
                "note",
                f"lint: {len(findings)} warning{'s' if len(findings) > 1 else ''} or "
                f"notice{'s' if len(findings) > 1 else ''} in {files} pending "
                f"migration{'s' if files > 1 else ''}; 'pgshift lint' shows them",
            ),
        )


def _apply_all(
    runner: Runner,
    prepared: list[tuple[Step, tuple[Statement, ...]]],
    results: list[RunResult],
    on_event: EventHandler | None,
    guard: BackupGuard,
) -> None:
    """Apply the prepared steps in order; only the last commit waits for the disk."""
    total = len(prepared)
    runner.on_event = on_event  # the progress of long files
    for index, (step, statements) in enumerate(prepared, start=1):
        migration = step.migration
        if step.resume_at:
            _emit(
                on_event,
                Event(
                    "resume",
                    f"resuming {migration.name} after statement {step.resume_at}",
                    migration,
                    index,
                    total,
                ),
            )
        guard.before(migration, statements[step.resume_at :])
        if migration.note:
            _emit(on_event, Event("note", migration.note))
        _emit(on_event, Event("start", migration.name, migration, index, total))
        result = runner.apply(migration, statements, step.resume_at, durable=index == total)
        results.append(result)
        _emit(on_event, Event("done", migration.name, migration, index, total, result.seconds))


def status(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> StatusResult:
    """The state of every migration: applied, pending, changed, missing, out of order."""
    settings = _settings(settings, url, directory)
    found = project_migrations(settings)
    with _session(settings, write=False, on_event=on_event) as session:
        return StatusResult(
            session.target,
            _status(session, found.migrations),
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

    from pgshift.discovery import version_key
    from pgshift.plan import _problem

    settings = _settings(settings, url, directory)
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
        _emit(on_event, Event("wait", f"waiting for {len(behind)} migration(s) to be applied"))
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
    settings = _settings(settings, url, directory)
    migrations = project_migrations(settings).migrations
    with _session(settings, write=True, on_event=on_event) as session:
        chosen = down_plan(_status(session, migrations), target=to, steps=steps)
        runner = _runner(session)
        prepared = [
            (m, runner.prepare(m, down=True) if m.language == "sql" else ()) for m in chosen
        ]
        for migration, statements in prepared:  # before any of them runs
            runner.refuse_own_drops(migration, statements, down=True)
        guard = _guard(session, backup, on_event)
        guard.check(prepared)
        results = []
        for index, (migration, statements) in enumerate(prepared, start=1):
            guard.before(migration, statements)
            if migration.foreign and migration.language == "sql" and not statements:
                _emit(on_event, Event("note", _empty_down(migration)))
            _emit(on_event, Event("revert", migration.name, migration, index, len(prepared)))
            result = runner.revert(migration, statements)
            results.append(result)
            _emit(
                on_event,
                Event("reverted", migration.name, migration, index, len(prepared), result.seconds),
            )
        return DownResult(session.target, tuple(results), tuple(session.notes), tuple(guard.taken))


def _empty_down(migration: Migration) -> str:
    """The line said when another tool's migration reverts by running nothing."""
    down = migration.down
    if down is not None and not down.path.exists():
        return (
            f"{migration.name}: its down file {down.path.name} is missing; as "
            f"{migration.layout} does, reverting it runs nothing"
        )
    return f"{migration.name}: its down part is empty; reverting it runs nothing"


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
    from pgshift.plan import taken_error

    settings = _settings(settings, url, directory)
    migrations = project_migrations(settings).migrations
    with _session(settings, write=True, on_event=on_event) as session:
        current = _status(session, migrations)
        changed = [e for e in current.having("changed") if e.migration is not None]
        missing = current.having("missing") if forget_missing else ()
        taken = current.having("version-taken")
        if taken and not accept_renamed:
            raise taken_error(taken, current)
        schema = settings.schema
        with session.conn.transaction():
            history.rename(
                session.conn,
                schema,
                [
                    (e.version, e.slug, e.migration.checksum)
                    for e in taken
                    if e.version and e.migration
                ],
                pid=os.getpid(),
                pgshift_version=__version__,
            )
            history.set_checksum(
                session.conn,
                schema,
                [
                    (e.version, e.slug, e.migration.checksum)
                    for e in changed
                    if e.migration and e.applied
                ],
                pid=os.getpid(),
                pgshift_version=__version__,
            )
            # A no-transaction migration that stopped part-way and whose file then
            # changed: the user finished it by hand, so record it as applied.
            for entry in changed:
                if entry.applied is None and entry.migration is not None:
                    session.conn.execute(
                        history.record_query(schema),
                        {
                            "version": entry.version,
                            "slug": entry.slug,
                            "kind": "versioned",
                            "checksum": entry.migration.checksum,
                            "seconds": 0.0,
                            "pgshift": __version__,
                            "action": "repair",
                            "pid": os.getpid(),
                        },
                    )
                    session.conn.execute(history.clear_journal_query(schema), (entry.version,))
            for entry in missing:
                session.conn.execute(
                    history.forget_query(schema, False),
                    {
                        "version": entry.version,
                        "slug": entry.slug,
                        "action": "forget",
                        "pid": os.getpid(),
                        "pgshift": __version__,
                    },
                )
        return RepairResult(
            session.target,
            tuple(e.label for e in changed),
            tuple(e.label for e in missing),
            tuple(e.migration.name for e in taken if e.migration),
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
    from pgshift.discovery import canonical_version, version_key

    if not re.fullmatch(r"\d+(?:[._]\d+)*", version):
        raise HistoryError(f"baseline: {version!r} is not a version number.")
    version = canonical_version(version)
    settings = _settings(settings, url, directory)
    migrations = project_migrations(settings).migrations
    with _session(settings, write=True, on_event=on_event) as session:
        existing = history.read(session.conn, settings.schema)
        if any(row.kind != "repeatable" for row in existing):
            raise HistoryError(
                "baseline: this database already has migration history.",
                "Baseline is for a database built before pgshift. Use 'pgshift status' to see "
                "what is recorded.",
            )
        limit = version_key(version)
        chosen = [m for m in migrations if m.version is not None and m.sort_key <= limit]
        record = history.record_query(settings.schema)
        with session.conn.transaction():
            for migration in chosen:
                session.conn.execute(
                    record,
                    {
                        "version": migration.version,
                        "slug": migration.slug,
                        "kind": "baseline",
                        "checksum": migration.checksum,
                        "seconds": 0.0,
                        "pgshift": __version__,
                        "action": "baseline",
                        "pid": os.getpid(),
                    },
                )
            if not any(m.version == version for m in chosen):
                session.conn.execute(
                    record,
                    {
                        "version": version,
                        "slug": "baseline",
                        "kind": "baseline",
                        "checksum": "",
                        "seconds": 0.0,
                        "pgshift": __version__,
                        "action": "baseline",
                        "pid": os.getpid(),
                    },
                )
        return tuple(m.name for m in chosen)


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
    from pgshift.introspect import inspect, sizes

    settings = _settings(settings, url, None)
    with _session(settings, write=False, on_event=on_event) as session:
        model = inspect(session.conn, exclude=(settings.schema,), helper=session.work())
        return SchemaResult(session.target, model, sizes(session.conn, model))


@dataclass(frozen=True, slots=True)
class LintResult:
    """The findings of a lint run, sorted by file and line."""

    findings: tuple[Finding, ...]
    files: int
    target: str | None = None  # the server asked for its version and row estimates

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error-level findings (data loss or a hard failure)."""
        return tuple(f for f in self.findings if f.severity == "error")


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
    from pgshift.lint.cache import CACHE_FILE
    from pgshift.lint.files import collect, lint_migrations, options_from

    settings = _settings(settings, url, directory)
    targets = [Path(p) for p in paths]
    cache_file = settings.project_dir / CACHE_FILE if cache else None
    if targets and not (connect or url):
        migrations = collect(targets, settings.layout, settings.dialect)
        options = options_from(settings, pg_version=pg_version)
        found = lint_migrations(migrations, options, cache_file)
        return LintResult(tuple(found), len(migrations))
    with _session(settings, write=False, on_event=on_event) as session:
        if targets:
            migrations = collect(targets, settings.layout, settings.dialect)
        else:
            status = _status(session, project_migrations(settings).migrations)
            migrations = tuple(
                e.migration
                for e in status.pending
                if e.migration is not None and e.migration.language == "sql"
            )
        rows = session.conn.execute(
            "SELECT n.nspname || '.' || c.relname, c.reltuples::bigint "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0 "
            "AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
        ).fetchall()
        options = options_from(
            settings,
            pg_version=pg_version or session.conn.info.server_version // 10000,
            estimates={name: int(estimate) for name, estimate in rows},
        )
        found = lint_migrations(migrations, options, cache_file)
        return LintResult(tuple(found), len(migrations), session.target)


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
    from pgshift.dump import render
    from pgshift.explain import observe
    from pgshift.introspect import inspect
    from pgshift.runner import Runner

    settings = _settings(settings, url, directory)
    migrations = project_migrations(settings).migrations
    with _session(settings, write=False, on_event=on_event) as session:
        status = _status(session, migrations)
        steps = make_plan(status, allow_out_of_order=settings.allow_out_of_order)
        pending = [
            (step.migration, Runner.prepare(step.migration))
            for step in steps
            if step.migration.language == "sql"
        ]
        if not pending:
            return ()
        model = inspect(session.conn, exclude=(settings.schema,))
        return tuple(observe(session.conn, session.url, render(model), pending))


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
    from pgshift.backup import list_backups

    settings = _settings(settings, None, None)
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
    from pgshift.backup import find_backup
    from pgshift.restore import plan

    settings = _settings(settings, url, None)
    found = find_backup(settings.backups_dir, name)
    with _session(settings, write=False, on_event=None) as session:
        _same_database(session, found, other_database)
        return RestorePlan(session.target, found, plan(session.conn, found))


def _same_database(session: _Session, found: Backup, other_database: bool) -> None:
    from pgshift.backup import BackupError

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
    from pgshift.backup import find_backup
    from pgshift.restore import apply, plan

    settings = _settings(settings, url, None)
    found = find_backup(settings.backups_dir, name)
    with _session(settings, write=True, on_event=on_event) as session:
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
            _emit(
                on_event, Event("note", f"restored {restored.item.label}: {restored.rows:,} rows")
            )
            for note in restored.notes:
                _emit(on_event, Event("note", note))
        return RestoreResult(session.target, found, done)
