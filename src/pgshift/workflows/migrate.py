"""``migrate`` and ``down``: the migration runner, behind the lint gate and the backups.

The runner (:mod:`pgshift.migrations.runner`) applies what it is given. Here every
pending file is first parsed, fitted to the server's version and linted (an
unacknowledged error-level finding refuses the whole run before anything is
written), and data a statement would destroy is backed up right before its
migration runs (:mod:`pgshift.safety.guard`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgshift.config import Settings
from pgshift.errors import LintRefused, PgshiftError
from pgshift.events import Event, EventHandler, RunResult, emit
from pgshift.migrations import history
from pgshift.migrations.discovery import Migration, project_migrations
from pgshift.migrations.plan import Step, down_plan, make_plan
from pgshift.migrations.session import (
    Session,
    open_session,
    reading_session,
    runner_for,
    status_of,
)
from pgshift.version import __version__

if TYPE_CHECKING:
    from pgshift.db.replicas import ReplicaWatch
    from pgshift.migrations.runner import Runner
    from pgshift.migrations.statements import Statement
    from pgshift.safety.guard import BackupGuard
    from pgshift.safety.manifest import Backup


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


def _nothing_to_do(
    settings: Settings,
    to: str | None,
    out_of_order: bool,
    on_event: EventHandler | None,
    wait_replicas: bool = False,
) -> tuple[tuple[Migration, ...], MigrateResult | None]:
    """The project's migrations, and the result of a run with nothing to do when the
    history says so: read without the lock, so the replicas of an application that all
    call ``migrate`` at start-up do not queue for it once the schema is there.

    The files are read in a thread while the connection opens. Whatever is pending,
    partial or wrong goes the locked way, which reads the history again under the lock
    and says any problem as before; a history table of an older format too.
    """
    with reading_session(settings, on_event) as (reader, found):
        migrations = found.migrations
        reader.installed = history.installed_format(reader.conn, settings.schema)
        if reader.installed != history.FORMAT:
            return migrations, None
        try:
            steps = make_plan(
                status_of(reader, migrations), target=to, allow_out_of_order=out_of_order
            )
        except PgshiftError:
            return migrations, None  # said under the lock, where it is decided
        if steps:
            return migrations, None
        if wait_replicas:  # another runner may have applied them a moment ago
            reader.notes += replicas_caught_up(reader, on_event)
        return migrations, MigrateResult(reader.target, notes=tuple(reader.notes))


class _NotesOnce:
    """Events passed on; a note the read before the lock gave (the embedded server's, the
    URL's source) is not given again by the locked session that follows it."""

    def __init__(self, on_event: EventHandler) -> None:
        self.on_event = on_event
        self.given: list[str] = []
        self.locked = False

    def __call__(self, event: Event) -> None:
        if event.kind == "note":
            if not self.locked:
                self.given.append(event.message)
            elif event.message in self.given:
                self.given.remove(event.message)
                return
        self.on_event(event)


def apply_pending(
    settings: Settings,
    *,
    to: str | None = None,
    dry_run: bool = False,
    allow_out_of_order: bool | None = None,
    lint: bool = True,
    backup: bool = True,
    on_event: EventHandler | None = None,
    wait_replicas: bool = False,
) -> MigrateResult:
    """:func:`pgshift.migrate` once its settings are resolved (its docstring says what
    each argument does)."""
    out_of_order = settings.allow_out_of_order if allow_out_of_order is None else allow_out_of_order
    notes = _NotesOnce(on_event) if on_event is not None else None
    wait_replicas = wait_replicas and not dry_run
    migrations, done = _nothing_to_do(settings, to, out_of_order, notes, wait_replicas)
    if done is not None:
        return done
    if notes is not None:
        notes.locked = True
    # A database without history is not touched before the lint has passed.
    with open_session(
        settings, write=not dry_run, on_event=notes, create_history=not lint
    ) as session:
        status = status_of(session, migrations)
        steps = make_plan(status, target=to, allow_out_of_order=out_of_order)
        if not steps:
            if wait_replicas:
                session.notes += replicas_caught_up(session, on_event)
            return MigrateResult(session.target, notes=tuple(session.notes))
        runner = runner_for(session, dry_run=dry_run, on_event=on_event)
        prepared = fit_server(
            session,
            [
                (step, runner.prepare(step.migration) if step.migration.language == "sql" else ())
                for step in steps
            ],
        )
        if lint:
            lint_before_running(session, prepared, on_event)
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
        guard = backup_guard(session, backup, on_event)
        guard.check([(s.migration, stmts[s.resume_at :]) for s, stmts in prepared])
        results: list[RunResult] = []
        with contextlib.ExitStack() as stack:
            watch: ReplicaWatch | None = None
            if settings.max_replica_lag is not None or wait_replicas:
                watch = stack.enter_context(watch_replicas(session, on_event))
            try:
                apply_all(runner, prepared, results, on_event, guard, watch)
            except BaseException:
                if results and not runner.conn.broken:
                    with contextlib.suppress(Exception):  # never hide the error that stopped us
                        runner.flush()  # what did apply stays applied, durably
                raise
            if watch is not None:
                if watch.waited:
                    text = (
                        f"waited {watch.waited:.1f} s in all for replicas to replay within "
                        f"{settings.max_replica_lag:g} s"
                    )
                    watch.notes.append(text)
                    emit(on_event, Event("note", text))
                if wait_replicas:
                    replayed(watch, on_event)
                session.notes += watch.notes
        return MigrateResult(
            session.target,
            applied=tuple(results),
            planned=tuple(s.migration for s in steps),
            notes=tuple(session.notes),
            backups=tuple(guard.taken),
        )


@contextlib.contextmanager
def watch_replicas(session: Session, on_event: EventHandler | None) -> Iterator[ReplicaWatch]:
    """The replicas of the session's database, read through its lock connection (idle
    between reads), with the settings' bound and stall timeout."""
    from pgshift.db.replicas import ReplicaWatch

    settings = session.settings
    with ReplicaWatch(
        session.conn,
        settings.replicas,
        max_lag=settings.max_replica_lag,
        stall_timeout=settings.replica_timeout,
        on_event=on_event,
        connect_timeout=settings.connect_timeout,
        application_name=settings.application_name,
    ) as watch:
        yield watch


def replicas_caught_up(session: Session, on_event: EventHandler | None) -> list[str]:
    """Wait until every replica has replayed what is committed now; the notes said."""
    with watch_replicas(session, on_event) as watch:
        replayed(watch, on_event)
        return watch.notes


def replayed(watch: ReplicaWatch, on_event: EventHandler | None) -> None:
    """Wait until every replica has replayed what is committed now, and say so."""
    seconds = watch.wait_replayed()
    if watch.check():
        text = f"every replica has replayed the migrations (waited {seconds:.1f} s)"
        watch.notes.append(text)
        emit(on_event, Event("note", text))


def fit_server(
    session: Session, prepared: list[tuple[Step, tuple[Statement, ...]]]
) -> list[tuple[Step, tuple[Statement, ...]]]:
    """Another tool's files, as that tool would run them on this server's version."""
    from dataclasses import replace

    from pgshift.migrations.layouts._common import for_server

    major = session.conn.info.server_version // 10000
    return [
        (replace(step, migration=for_server(step.migration, statements, major)), statements)
        for step, statements in prepared
    ]


def backup_guard(session: Session, enabled: bool, on_event: EventHandler | None) -> BackupGuard:
    """The backups of the data a run would destroy, each noted as it is taken."""
    from pgshift.safety.guard import BackupGuard

    def note(text: str) -> None:
        session.notes.append(text)
        emit(on_event, Event("note", text))

    return BackupGuard(
        session.settings,
        session.url,
        session.conn,
        enabled=enabled,
        note=note,
        pgshift_version=__version__,
    )


def lint_before_running(
    session: Session,
    prepared: list[tuple[Step, tuple[Statement, ...]]],
    on_event: EventHandler | None,
) -> None:
    """Refuse to start when a pending file has an unacknowledged error-level finding."""
    from dataclasses import replace

    from pgshift.lint.engine import lint_migration
    from pgshift.lint.files import options_from
    from pgshift.lint.known import RunFacts, from_database
    from pgshift.lint.model import Severity

    options = options_from(session.settings, pg_version=session.conn.info.server_version // 10000)
    # what a pending file narrows or proves depends on the live columns and checks
    options = replace(options, known=from_database(session.conn))
    facts = RunFacts([step.migration for step, _ in prepared], options.known)
    findings = []
    for index, (step, statements) in enumerate(prepared):
        if statements:
            findings += lint_migration(step.migration, options, statements, facts.before(index))
            facts.linted(index, statements)
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        from pgshift.safety.gate import waive_harmless

        errors, waived = waive_harmless(
            session.conn, [(step.migration, statements) for step, statements in prepared], errors
        )
        for note in waived:
            session.notes.append(note)
            emit(on_event, Event("note", note))
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
        emit(
            on_event,
            Event(
                "note",
                f"lint: {len(findings)} warning{'s' if len(findings) > 1 else ''} or "
                f"notice{'s' if len(findings) > 1 else ''} in {files} pending "
                f"migration{'s' if files > 1 else ''}; 'pgshift lint' shows them",
            ),
        )


def apply_all(
    runner: Runner,
    prepared: list[tuple[Step, tuple[Statement, ...]]],
    results: list[RunResult],
    on_event: EventHandler | None,
    guard: BackupGuard,
    watch: ReplicaWatch | None = None,
) -> None:
    """Apply the prepared steps in order; only the last commit waits for the disk.

    With a ``watch`` that has a bound, each migration starts only once the replicas'
    replay lag is within it, and code inside a Python migration can wait the same way
    (:func:`pgshift.backfill` does between its batches)."""
    total = len(prepared)
    runner.on_event = on_event  # the progress of long files
    throttled = watch is not None and watch.max_lag is not None
    if throttled:
        assert watch is not None

        def throttle() -> None:
            watch.wait_below()

        runner.throttle = throttle
    for index, (step, statements) in enumerate(prepared, start=1):
        migration = step.migration
        if step.resume_at:
            emit(
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
            emit(on_event, Event("note", migration.note))
        if throttled:
            assert watch is not None
            watch.wait_below()
        emit(on_event, Event("start", migration.name, migration, index, total))
        result = runner.apply(migration, statements, step.resume_at, durable=index == total)
        results.append(result)
        emit(on_event, Event("done", migration.name, migration, index, total, result.seconds))


def revert(
    settings: Settings,
    *,
    to: str | None = None,
    steps: int | None = None,
    backup: bool = True,
    on_event: EventHandler | None = None,
) -> DownResult:
    """Revert applied migrations, newest first: to version ``to`` (exclusive) or ``steps``
    of them (default 1). Refuses, before running anything, if one has no down part.
    Data a down part destroys is backed up first, as for :func:`migrate`."""
    migrations = project_migrations(settings).migrations
    with open_session(settings, write=True, on_event=on_event) as session:
        chosen = down_plan(status_of(session, migrations), target=to, steps=steps)
        runner = runner_for(session)
        prepared = [
            (m, runner.prepare(m, down=True) if m.language == "sql" else ()) for m in chosen
        ]
        for migration, statements in prepared:  # before any of them runs
            runner.refuse_own_drops(migration, statements, down=True)
        guard = backup_guard(session, backup, on_event)
        guard.check(prepared)
        results = []
        for index, (migration, statements) in enumerate(prepared, start=1):
            guard.before(migration, statements)
            if migration.foreign and migration.language == "sql" and not statements:
                emit(on_event, Event("note", empty_down(migration)))
            emit(on_event, Event("revert", migration.name, migration, index, len(prepared)))
            result = runner.revert(migration, statements)
            results.append(result)
            emit(
                on_event,
                Event("reverted", migration.name, migration, index, len(prepared), result.seconds),
            )
        return DownResult(session.target, tuple(results), tuple(session.notes), tuple(guard.taken))


def empty_down(migration: Migration) -> str:
    """The line said when another tool's migration reverts by running nothing."""
    down = migration.down
    if down is not None and not down.path.exists():
        return (
            f"{migration.name}: its down file {down.path.name} is missing; as "
            f"{migration.layout} does, reverting it runs nothing"
        )
    return f"{migration.name}: its down part is empty; reverting it runs nothing"
