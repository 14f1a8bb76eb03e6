"""``verify``: "test migrations locally first", as one command.

On a scratch database (a new database on the target's server, dropped after):
lint every file; apply every migration from empty, reading the schema after
each; run the seeds, then run them again and check nothing was added twice;
run every down, newest first, checking that each leaves the schema exactly as
it was before its up; apply everything again and check the schema equals the
first pass. Each problem names the migration (``file:line`` where the server
says where) and what differs, object by object.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from pgshift.config import Settings, settings_for
from pgshift.errors import PgshiftError
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations.discovery import Migration, project_migrations
from pgshift.schema.compare import Difference, compare
from pgshift.schema.model import Schema
from pgshift.workflows.replay import Replay, scratch_replay

_IDEMPOTENT_HINT = (
    "Write seeds as upserts that can run any number of times: INSERT ... ON CONFLICT (key) "
    "DO UPDATE SET ... (or DO NOTHING), with a fixed natural key rather than a generated id."
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing verify found wrong, at one stage of the run."""

    stage: str  # "lint", "up", "seed", "seed again", "down", "up again"
    message: str  # what happened, starting with file:line where known
    hint: str = ""
    path: Path | None = None
    line: int | None = None
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage of the run: what it covered, how long it took, and whether it passed."""

    name: str
    summary: str
    seconds: float
    ok: bool


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What ``verify`` checked and found."""

    target: str  # the server the scratch database was made on
    migrations: int
    stages: tuple[Stage, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    scratch: str = ""  # the scratch database's name (dropped by the time this is returned)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (warnings allowed)."""
        return not self.problems


class _Run:
    """The state of one verify run, stage after stage."""

    def __init__(
        self,
        settings: Settings,
        migrations: tuple[Migration, ...],
        require_down: bool,
        on_event: EventHandler | None,
    ) -> None:
        self.settings = settings
        self.versioned = [m for m in migrations if m.kind == "versioned"]
        self.repeatable = [m for m in migrations if m.kind == "repeatable"]
        self.require_down = require_down
        self.on_event = on_event
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.stages: list[Stage] = []
        self.notes: list[str] = []
        self.down_failed = False
        self._started = time.perf_counter()

    # -- reporting -------------------------------------------------------------------

    def note(self, text: str) -> None:
        self.notes.append(text)
        emit(self.on_event, Event("note", text))

    def stage(self, name: str, summary: str, ok: bool) -> None:
        now = time.perf_counter()
        stage = Stage(name, summary, now - self._started, ok)
        self._started = now
        self.stages.append(stage)
        emit(self.on_event, Event("verified" if ok else "failed", f"{name}: {summary}"))

    def fail(self, stage: str, error: PgshiftError, context: str = "") -> None:
        message = error.message if not context else f"{error.message}\n  {context}"
        self.problems.append(
            Problem(
                stage,
                message,
                error.hint,
                getattr(error, "path", None),
                getattr(error, "line", None),
            )
        )

    def progress(self, kind: str, migration: Migration, index: int, total: int) -> None:
        emit(self.on_event, Event(kind, migration.name, migration, index, total))

    # -- stages ----------------------------------------------------------------------

    def lint(self, pg_version: int) -> None:
        from pgshift.lint.files import lint_migrations, options_from
        from pgshift.lint.model import Severity

        files = [m for m in (*self.versioned, *self.repeatable) if m.language == "sql"]
        options = options_from(self.settings, pg_version=pg_version)
        findings = lint_migrations(files, options)
        errors = [f for f in findings if f.severity == Severity.ERROR]
        for finding in errors:
            self.problems.append(
                Problem(
                    "lint",
                    f"{finding.path}:{finding.line}: [{finding.rule}] {finding.message}",
                    f"safe: {finding.safe}  (or acknowledge it: '-- pgshift:allow "
                    f"{finding.rule}' on the line above)",
                    Path(finding.path),
                    finding.line,
                )
            )
        others = len(findings) - len(errors)
        if others:
            self.warnings.append(
                f"lint: {others} warning{'s' if others > 1 else ''} or notice"
                f"{'s' if others > 1 else ''}; 'pgshift lint' shows them"
            )
        summary = f"{len(files)} file{'s' if len(files) != 1 else ''}, {len(errors)} error" + (
            "s" if len(errors) != 1 else ""
        )
        self.stage("lint", summary, not errors)

    def up_all(self, replay: Replay) -> list[Schema] | None:
        """Apply every migration; the schema after each versioned one (index 0:
        before any), then after the repeatables. None when one failed."""
        snapshots = [replay.schema()]
        everything = [*self.versioned, *self.repeatable]
        for index, migration in enumerate(everything, start=1):
            self.progress("start", migration, index, len(everything))
            try:
                replay.up(migration)
            except PgshiftError as exc:
                self.fail("up", exc)
                self.stage("up", f"failed at {migration.name}", False)
                return None
            if migration.kind == "versioned":
                snapshots.append(replay.schema())
        if self.repeatable:
            snapshots.append(replay.schema())
        count = len(everything)
        self.stage("up", f"{count} migration{'s' if count != 1 else ''} applied from empty", True)
        return snapshots

    def seeds(self, replay: Replay) -> None:
        from pgshift.safety.seeds import run_seeds, seed_files

        files = seed_files(self.settings)
        if not files:
            return
        where = f"the seeds ({len(files)} file{'s' if len(files) != 1 else ''})"
        try:
            run_seeds(replay.conn, self.settings, self.on_event)
        except PgshiftError as exc:
            self.fail(
                "seed",
                exc,
                "this seed no longer fits the schema the migrations make: update it in "
                "the same change as the migration.",
            )
            self.stage("seed", f"{where} failed on the migrated schema", False)
            return
        first = replay.row_counts()
        try:
            run_seeds(replay.conn, self.settings)
        except PgshiftError as exc:
            self.fail(
                "seed again",
                exc,
                "the seeds ran once, but fail when run a second time: they are not idempotent.",
            )
            self.problems[-1] = replace(self.problems[-1], hint=_IDEMPOTENT_HINT)
            self.stage("seed", f"{where} fail when run again", False)
            return
        second = replay.row_counts()
        grown = [
            f"{table}: {first.get(table, 0)} -> {second[table]} rows"
            for table in sorted(second)
            if second[table] != first.get(table, 0)
        ]
        if grown:
            self.problems.append(
                Problem(
                    "seed again",
                    "running the seeds a second time changed how many rows the tables hold, "
                    "so they are not idempotent:\n  " + "\n  ".join(grown),
                    _IDEMPOTENT_HINT,
                )
            )
            self.stage("seed", f"{where} are not idempotent", False)
            return
        rows = sum(first.values())
        self.stage("seed", f"{where} ran twice, {rows} rows, same counts", True)

    def down_all(self, replay: Replay, snapshots: list[Schema]) -> list[Migration]:
        """Run every down, newest first, comparing each result with the schema before
        that migration's up. Returns the migrations reverted (newest first)."""
        repeatable_made = _names(compare(snapshots[len(self.versioned)], snapshots[-1]))
        reported: set[tuple[str, str, str]] = set()
        reverted: list[Migration] = []
        ordered = sorted(enumerate(self.versioned), key=lambda p: p[1].sort_key, reverse=True)
        without: Migration | None = None
        for position, (index, migration) in enumerate(ordered, start=1):
            if not migration.has_down:
                without = migration
                break
            self.progress("revert", migration, position, len(ordered))
            try:
                replay.down(migration)
            except PgshiftError as exc:
                self.fail(
                    "down", exc, f"the down part of {migration.name} fails after the up parts ran."
                )
                self.stage("down", f"failed at {migration.name}", False)
                self.down_failed = True
                return reverted
            reverted.append(migration)
            left = [
                d
                # a column a down adds back stands at the end: the best PostgreSQL can do
                for d in compare(snapshots[index], replay.schema(), column_order=False)
                if not _made_by(d, repeatable_made) and (d.kind, d.name, d.change) not in reported
            ]
            if left:
                reported.update((d.kind, d.name, d.change) for d in left)
                self.problems.append(
                    Problem(
                        "down",
                        f"{migration.path}: the down part of {migration.name} does not undo "
                        f"its up part; after it, the schema differs from the one before the "
                        f"up:\n  " + "\n  ".join(_left_by_down(d) for d in left),
                        "Make the down part drop (or restore) each object listed, in the "
                        "reverse order of the up part.",
                        migration.path,
                        differences=tuple(left),
                    )
                )
        if without is not None:
            text = (
                f"{without.name} has no down part: downs checked only for the "
                f"{len(reverted)} migration{'s' if len(reverted) != 1 else ''} after it"
            )
            if self.require_down:
                self.problems.append(
                    Problem(
                        "down",
                        f"{without.path}: {without.name} has no down part (--require-down).",
                        "Add a '-- pgshift:down' section that undoes the up part.",
                        without.path,
                    )
                )
            else:
                self.warnings.append(text)
        down_problems = [p for p in self.problems if p.stage == "down"]
        summary = f"{len(reverted)} down{'s' if len(reverted) != 1 else ''} run"
        if without is None and not down_problems:
            summary += ", schema empty again"
        elif down_problems:
            count = len(down_problems)
            summary += f", {count} leave{'s' if count == 1 else ''} something behind"
        self.stage("down", summary, not down_problems)
        return reverted

    def up_again(self, replay: Replay, reverted: list[Migration], first: Schema) -> None:
        everything = [*reversed(reverted), *self.repeatable]
        for index, migration in enumerate(everything, start=1):
            self.progress("start", migration, index, len(everything))
            try:
                replay.up(migration)
            except PgshiftError as exc:
                self.fail(
                    "up again",
                    exc,
                    f"{migration.name} cannot be applied again after its down: the down "
                    "leaves something behind that the up part trips over.",
                )
                self.problems[-1] = replace(
                    self.problems[-1],
                    hint=f"Make the down part of {migration.name} undo all that its up part "
                    "does (the server's message above names what was left).",
                )
                self.stage("up again", f"failed at {migration.name}", False)
                return
        differences = compare(first, replay.schema())
        if differences:
            self.problems.append(
                Problem(
                    "up again",
                    "after the downs and the ups again, the schema differs from the first "
                    "pass:\n  "
                    + "\n  ".join(d.describe("the first pass", "the second") for d in differences),
                    "A down part changes something its up part does not set back (a column "
                    "order, a default, a comment, a grant).",
                    differences=differences,
                )
            )
            self.stage("up again", "schema differs from the first pass", False)
            return
        count = len(everything)
        self.stage(
            "up again",
            f"{count} migration{'s' if count != 1 else ''} applied again, same schema",
            True,
        )


def _left_by_down(difference: Difference) -> str:
    what = f"{difference.kind} {difference.name}"
    if difference.change == "extra":
        return f"{what}: still there after the down"
    if difference.change == "missing":
        return f"{what}: there before the up, gone after the down"
    return f"{what}: {difference.detail} (before the up -> after the down)"


def _names(differences: Iterable[Difference]) -> set[str]:
    return {d.name for d in differences}


def _made_by(difference: Difference, names: set[str]) -> bool:
    return any(difference.name == n or difference.name.startswith(n + ".") for n in names)


def verify(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    environment: str | None = None,
    require_down: bool = False,
    on_event: EventHandler | None = None,
) -> VerifyResult:
    """Check the migration files on a scratch database; see the module's docstring.

    The target database is not touched: only its server is used, to create and
    drop the scratch database. Problems are returned, not raised; what stops the
    run before it starts (bad files, no server) raises :class:`PgshiftError`.
    """
    from pgshift.db.connection import describe
    from pgshift.safety.seeds import prepare, seed_files

    settings = settings_for(settings, url, directory)
    if environment is not None:
        settings = replace(settings, environment=environment)
    migrations = project_migrations(settings).fresh
    for file in seed_files(settings):  # a seed that cannot be parsed stops us here
        prepare(file)
    run = _Run(settings, migrations, require_down, on_event)
    with scratch_replay(settings, run.note) as replay:
        target, _, scratch_name = describe(replay.settings.database_url or "").rpartition("/")
        run.lint(replay.conn.info.server_version // 10000)
        snapshots = run.up_all(replay)
        if snapshots is not None:
            first = snapshots[-1]
            run.seeds(replay)
            reverted = run.down_all(replay, snapshots)
            if reverted and not run.down_failed:
                run.up_again(replay, reverted, first)
    return VerifyResult(
        target,
        len(migrations),
        tuple(run.stages),
        tuple(run.problems),
        tuple(run.warnings),
        tuple(run.notes),
        scratch_name,
    )
