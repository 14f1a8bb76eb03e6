"""``fleet migrate``: every target's pending migrations, a bounded pool of them at once.

Each target runs exactly what ``pgshift migrate`` runs on it (its own migration lock,
history, journal and resume, the lint gate, backups), in a worker thread; the calling
thread schedules, watches the per-target timeouts, takes Ctrl-C, and hands the
events to ``on_event`` (always in the calling thread, one at a time). Targets are
spread across their servers, so no server gets the whole pool while another idles.

Stopping: a failed canary, ``max_failures`` failures, or a first Ctrl-C stop new
targets from starting while the running ones finish; a second Ctrl-C (or an
interrupt of another kind, such as the CLI's SIGTERM) cancels the running ones:
their statements are cancelled on the server and their transactions roll back,
exactly as when one ``migrate`` is interrupted.
"""

from __future__ import annotations

import contextlib
import os
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgshift.config import Settings, settings_for
from pgshift.errors import ConfigError, ConnectError, PgshiftError
from pgshift.events import Event
from pgshift.fleet.results import (
    CANCELLED,
    FAILED,
    MIGRATED,
    SKIPPED,
    TIMED_OUT,
    UNREACHABLE,
    UP_TO_DATE,
    FleetEvent,
    FleetResult,
    TargetResult,
)
from pgshift.fleet.targets import Target, as_targets, resolve_targets

if TYPE_CHECKING:
    import psycopg

FleetHandler = Callable[[FleetEvent], None]
_CANCEL_EVERY = 0.5  # seconds between cancel requests to a target that is being stopped
_TICK = 0.1


class _Stop(BaseException):
    """Raised in a worker at its next event once the target is to stop."""


@dataclass(slots=True)
class _Job:
    target: Target
    canary: bool
    started: float = field(default_factory=time.monotonic)
    connections: list[psycopg.Connection[Any]] = field(default_factory=list)
    stop: str | None = None  # TIMED_OUT or CANCELLED, once decided
    current: str | None = None  # the migration running now
    applied: list[str] = field(default_factory=list)  # its migrations done so far
    journaled: bool = False  # the running migration is a no-transaction one
    cancelled_at: float = 0.0

    def cancel(self) -> None:
        """Ask the server to cancel whatever the target's connections run now."""
        now = time.monotonic()
        if now - self.cancelled_at < _CANCEL_EVERY:
            return
        self.cancelled_at = now
        for conn in list(self.connections):
            if conn.closed:
                continue
            with contextlib.suppress(Exception):  # a connection closing meanwhile
                cancel = getattr(conn, "cancel_safe", None) or conn.cancel
                cancel()


def default_parallel(targets: Sequence[Target]) -> int:
    """How many targets at once: twice the cores (a target mostly waits on its server),
    at least 4, at most 4 per server, never more than there are targets."""
    servers = len({t.server for t in targets}) or 1
    cores = os.cpu_count() or 2
    return max(1, min(len(targets), max(4, 2 * cores), 4 * servers))


def spread(targets: Sequence[Target]) -> list[Target]:
    """``targets`` in an order that takes one of each server in turn."""
    by_server: dict[str, list[Target]] = {}
    for target in targets:
        by_server.setdefault(target.server, []).append(target)
    order: list[Target] = []
    lists = list(by_server.values())
    for index in range(max((len(items) for items in lists), default=0)):
        order += [items[index] for items in lists if index < len(items)]
    return order


def _lost(exc: BaseException) -> bool:
    """Whether ``exc`` came from losing the server (it stopped, restarted, went away)."""
    import psycopg

    seen: BaseException | None = exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None)
        if state is not None and (state.startswith("08") or state in ("57P01", "57P02", "57P03")):
            return True
        if isinstance(seen, psycopg.OperationalError) and state is None:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _check(parallel: int | None, canary: int, max_failures: int | None) -> None:
    if parallel is not None and parallel < 1:
        raise ConfigError(f"--parallel {parallel}: run at least one target at a time.")
    if canary < 0:
        raise ConfigError(f"--canary {canary}: the canary count cannot be negative.")
    if max_failures is not None and max_failures < 1:
        raise ConfigError(
            f"--max-failures {max_failures}: stop after at least one failure.",
            "Leave it out to let every target run whatever fails.",
        )


def migrate(
    targets: Sequence[str | Target] | None = None,
    *,
    settings: Settings | None = None,
    directory: str | Path | None = None,
    parallel: int | None = None,
    canary: int = 0,
    max_failures: int | None = None,
    target_timeout: float | None = None,
    to: str | None = None,
    lint: bool = True,
    backup: bool = True,
    wait_replicas: bool = False,
    on_event: FleetHandler | None = None,
) -> FleetResult:
    """Migrate every target (default: those ``[fleet]`` names), ``parallel`` at a time.

    Each target gets every guarantee of :func:`pgshift.migrate`. With ``canary`` the
    first ``canary`` targets run first and any failure among them leaves the rest
    unstarted; after ``max_failures`` failures no new target starts; a target still
    running after ``target_timeout`` seconds is cancelled (rolled back). Run again, it
    does only what is left. Returns every target's :class:`TargetResult`; the run's
    own mistakes (no targets, a bad setting) raise :class:`PgshiftError` before any
    target starts.
    """
    from pgshift.migrations.discovery import project_migrations

    _check(parallel, canary, max_failures)
    settings = settings_for(settings, None, directory)
    chosen = as_targets(targets) if targets is not None else resolve_targets(settings)
    if not chosen:
        raise ConfigError(
            "the fleet has no targets: the list given is empty.",
            "A run with no targets would report success having done nothing.",
        )
    project_migrations(settings)  # a directory that does not read is said once, up front
    order = spread(chosen)
    width = parallel or default_parallel(order)
    run = _Run(settings, order, width, canary, max_failures, target_timeout, on_event)
    run.options = {"to": to, "lint": lint, "backup": backup}
    if wait_replicas:
        run.options["wait_replicas"] = True
    started = time.perf_counter()
    run.loop()
    by_target = run.results
    results = tuple(
        by_target.get(t)
        or TargetResult(t, SKIPPED, message=f"not started: {run.stopped or 'the run stopped'}")
        for t in chosen
    )
    outcome = FleetResult(
        results, time.perf_counter() - started, width, run.stopped, run.interrupted
    )
    from pgshift.fleet.record import remember

    remember(settings, outcome)
    return outcome


class _Run:
    """The scheduling loop of one fleet run (see the module's docstring)."""

    def __init__(
        self,
        settings: Settings,
        order: list[Target],
        width: int,
        canary: int,
        max_failures: int | None,
        target_timeout: float | None,
        on_event: FleetHandler | None,
    ) -> None:
        self.settings = settings
        self.waiting = list(order)
        self.width = width
        self.canary = min(canary, len(order))
        self.max_failures = max_failures
        self.target_timeout = target_timeout
        self.on_event = on_event
        self.options: dict[str, Any] = {}
        self.results: dict[Target, TargetResult] = {}
        self.jobs: dict[Future[TargetResult], _Job] = {}
        self.events: queue.SimpleQueue[FleetEvent] = queue.SimpleQueue()
        self.stopped: str | None = None
        self.interrupted = False
        self.failures = 0
        self.total = len(order)

    def say(self, event: FleetEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def drain(self) -> None:
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return
            self.say(event)

    def loop(self) -> None:
        with ThreadPoolExecutor(self.width, thread_name_prefix="pgshift-fleet") as pool:
            while (self.waiting and self.stopped is None) or self.jobs:
                try:
                    self.start(pool)
                    self.step()
                except KeyboardInterrupt as exc:
                    self.interrupt(exc)
            self.drain()

    def in_canary(self) -> bool:
        started = self.total - len(self.waiting)
        return started < self.canary or any(job.canary for job in self.jobs.values())

    def start(self, pool: ThreadPoolExecutor) -> None:
        while self.waiting and self.stopped is None and len(self.jobs) < self.width:
            started = self.total - len(self.waiting)
            canary = started < self.canary
            if not canary and self.in_canary():
                return  # the rest wait for the canaries to pass
            target = self.waiting.pop(0)
            job = _Job(target, canary)
            self.jobs[pool.submit(self.work, job)] = job
            label = " (canary)" if canary else ""
            self.say(FleetEvent("start", f"{target.name}{label}", target, total=self.total))

    def step(self) -> None:
        done, _ = wait(list(self.jobs), timeout=_TICK, return_when=FIRST_COMPLETED)
        self.drain()
        for future in done:
            job = self.jobs.pop(future)
            result = future.result()
            self.results[job.target] = result
            self.say(FleetEvent("done", result.state, job.target, result=result, total=self.total))
            if result.ok:
                continue
            self.failures += 1
            if job.canary and self.stopped is None:
                self.stop(f"canary {job.target.name} {result.state}")
            elif self.max_failures and self.failures >= self.max_failures and not self.stopped:
                self.stop(f"{self.failures} targets did not migrate (--max-failures)")
        now = time.monotonic()
        for job in self.jobs.values():
            if job.stop is None and self.target_timeout and now - job.started > self.target_timeout:
                job.stop = TIMED_OUT
            if job.stop is not None:
                job.cancel()

    def stop(self, why: str) -> None:
        self.stopped = why
        if self.waiting:
            running = len(self.jobs)
            self.say(
                FleetEvent(
                    "stopping",
                    f"{why}: {len(self.waiting)} target{'s' if len(self.waiting) != 1 else ''} "
                    f"will not start; {running} running will finish",
                    total=self.total,
                )
            )

    def interrupt(self, exc: KeyboardInterrupt) -> None:
        """A first Ctrl-C lets the running targets finish; a second one (or another kind
        of interrupt, such as SIGTERM) cancels them."""
        if self.interrupted or type(exc) is not KeyboardInterrupt:
            self.interrupted = True
            self.stopped = self.stopped or "interrupted"
            running = [job for job in self.jobs.values() if job.stop is None]
            for job in running:
                job.stop = CANCELLED
                job.cancel()
            self.say(
                FleetEvent(
                    "cancelling",
                    f"cancelling {len(running)} running target{'s' if len(running) != 1 else ''}"
                    ": each one's running migration rolls back; what they applied before "
                    "stays applied",
                    total=self.total,
                )
            )
            return
        self.interrupted = True
        self.stopped = self.stopped or "interrupted"
        self.say(
            FleetEvent(
                "stopping",
                f"interrupted: {len(self.waiting)} target{'s' if len(self.waiting) != 1 else ''}"
                f" will not start; the {len(self.jobs)} running will finish (Ctrl-C again "
                "cancels them)",
                total=self.total,
            )
        )

    def work(self, job: _Job) -> TargetResult:
        """One target's ``migrate``, in a worker thread; never raises."""
        from pgshift.db.connection import noting_connections
        from pgshift.workflows.migrate import apply_pending

        target = job.target

        def handle(event: Event) -> None:
            if event.kind == "done":  # committed: whatever stops it now, this one stays
                job.current = None
                job.applied.append(event.message)
            if job.stop is not None:
                raise _Stop
            if event.kind == "start":
                job.current = event.message
                migration = event.migration
                job.journaled = migration is not None and not migration.directives.transaction
            self.events.put(FleetEvent("event", event.message, target, event, total=self.total))

        def ended(state: str, **values: Any) -> TargetResult:
            seconds = time.monotonic() - job.started
            values.setdefault("applied", tuple(job.applied))
            return TargetResult(target, state, seconds=seconds, canary=job.canary, **values)

        with noting_connections() as opened:
            job.connections = opened
            try:
                result = apply_pending(
                    target.settings(self.settings), on_event=handle, **self.options
                )
            except _Stop:
                return ended(job.stop or CANCELLED, message=self._stopped_text(job))
            except ConnectError as exc:
                return ended(UNREACHABLE, message=exc.message, hint=exc.hint)
            except PgshiftError as exc:
                if job.stop is not None:
                    return ended(job.stop, message=f"{self._stopped_text(job)}: {exc.message}")
                state = UNREACHABLE if _lost(exc) else FAILED
                return ended(state, message=exc.message, hint=exc.hint)
            except Exception as exc:  # one target's bug must not end the others' run
                if job.stop is not None:
                    return ended(job.stop, message=self._stopped_text(job))
                state = UNREACHABLE if _lost(exc) else FAILED
                return ended(state, message=f"{type(exc).__name__}: {exc}")
        applied = tuple(r.migration.name for r in result.applied)
        return ended(MIGRATED if applied else UP_TO_DATE, applied=applied, notes=result.notes)

    def _stopped_text(self, job: _Job) -> str:
        if job.current and job.journaled:
            what = (
                f"while {job.current} ran: cancelled; a no-transaction migration, it resumes "
                "after its last completed statement on the next run"
            )
        elif job.current:
            what = f"while {job.current} ran: cancelled and rolled back"
        elif job.applied:
            what = "between two migrations"
        else:
            what = "before its first migration ran"
        kept = f" ({len(job.applied)} applied before stay applied)" if job.applied else ""
        if job.stop == TIMED_OUT:
            return f"timed out after {self.target_timeout:g} s, {what}{kept}"
        return f"stopped {what}{kept}"
