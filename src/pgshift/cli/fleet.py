"""``pgshift fleet``: many databases (or a schema per tenant) at once.

``fleet status`` reads where every target stands; ``fleet migrate`` migrates them,
a bounded pool at a time, with a progress display and a report per target.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from pgshift.cli._common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, fail, note, options

if TYPE_CHECKING:
    from pgshift.config import Settings
    from pgshift.fleet import FleetEvent, FleetResult, FleetStatus

_MARK = {
    "migrated": ("green", "migrated"),
    "up to date": ("green", "up to date"),
    "behind": ("yellow", "behind"),
    "partial": ("yellow", "partial"),
    "skipped": ("yellow", "skipped"),
    "drifted": ("red", "drifted"),
    "failed": ("red", "failed"),
    "unreachable": ("red", "unreachable"),
    "timed out": ("red", "timed out"),
    "cancelled": ("red", "cancelled"),
}


@click.group()
def fleet() -> None:
    """Migrate many databases at once: tenants, shards, regions ([fleet] in pgshift.toml)."""


def _settings(opts: dict[str, Any]) -> Settings:
    from dataclasses import replace

    from pgshift.cli._common import settings_from
    from pgshift.config import parse_duration

    settings = settings_from(opts)
    if opts.get("max_replica_lag"):
        lag = parse_duration(opts["max_replica_lag"], "--max-replica-lag")
        settings = replace(settings, max_replica_lag=lag or None)
    return settings


def _targets(given: tuple[str, ...]) -> list[str] | None:
    return list(given) if given else None


def _target_options(func: Any) -> Any:
    func = click.option(
        "--parallel",
        type=int,
        metavar="N",
        help="Targets at once (default: twice the cores, at least 4, at most 4 per server).",
    )(func)
    func = click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="URL",
        help="A target database (repeat it); instead of those [fleet] names.",
    )(func)
    return func


@fleet.command()
@click.option("--drift", is_flag=True, help="Also compare each live schema with the migrations'.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_target_options
@options
def status(
    drift: bool, as_json: bool, parallel: int | None, targets: tuple[str, ...], **opts: Any
) -> None:
    """Show every target's version, pending count and state; exit 1 unless all are up to date."""
    from pgshift.fleet import status as fleet_status

    try:
        found = fleet_status(
            _targets(targets), settings=_settings(opts), parallel=parallel, drift=drift
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2))
    else:
        _status_table(found)
    sys.exit(EXIT_OK if found.ok else EXIT_FINDINGS)


def _status_table(found: FleetStatus) -> None:
    counts = ", ".join(f"{n} {state}" for state, n in found.counts.items())
    summary = f"{len(found.targets)} targets: {counts} (newest file: {found.newest or '-'})"
    if not sys.stdout.isatty():  # one line per target, whole, for grep and logs
        for item in found.targets:
            detail = f"  {item.message}" if item.message else ""
            click.echo(
                f"{item.state:<11} {item.target.name}  version {item.version or '-'}  "
                f"pending {item.pending}{detail}"
            )
        click.echo(summary)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for title in ("target", "state", "version", "pending", "detail"):
        table.add_column(title, overflow="fold")
    for item in found.targets:
        colour, word = _MARK.get(item.state, ("white", item.state))
        table.add_row(
            item.target.name,
            f"[{colour}]{word}[/]",
            item.version or "-",
            str(item.pending),
            item.message or "",
        )
    console = Console(highlight=False, soft_wrap=False)
    console.print(table)
    console.print(summary)


@fleet.command()
@click.option(
    "--canary",
    type=int,
    default=0,
    metavar="K",
    help="Migrate K targets first; stop all if one fails.",
)
@click.option(
    "--max-failures",
    type=int,
    metavar="F",
    help="After F targets fail, start no new ones (the running ones finish).",
)
@click.option(
    "--target-timeout",
    metavar="DURATION",
    help="Cancel (roll back) a target still running after this long, e.g. 10min.",
)
@click.option("--to", "to", metavar="VERSION", help="Stop after this version.")
@click.option("--no-lint", is_flag=True, help="Run even with error-level lint findings.")
@click.option("--no-backup", is_flag=True, help="Skip the backup of files that say no-backup.")
@click.option(
    "--max-replica-lag",
    metavar="DURATION",
    help="Wait while a replica's replay lag is above this (before each migration, "
    "between backfill batches).",
)
@click.option(
    "--wait-replicas",
    is_flag=True,
    help="After each target's run, wait until its replicas have replayed it.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--quiet", "-q", is_flag=True, help="Report only the targets that did not migrate.")
@_target_options
@options
def migrate(
    canary: int,
    max_failures: int | None,
    target_timeout: str | None,
    to: str | None,
    no_lint: bool,
    no_backup: bool,
    wait_replicas: bool,
    as_json: bool,
    quiet: bool,
    parallel: int | None,
    targets: tuple[str, ...],
    **opts: Any,
) -> None:
    """Apply pending migrations on every target of the fleet, a bounded pool at a time."""
    from pgshift.config import parse_duration
    from pgshift.fleet import migrate as fleet_migrate

    debug = opts.get("debug", False)
    display = _Display(enabled=not as_json and not quiet)
    try:
        timeout = parse_duration(target_timeout, "--target-timeout") if target_timeout else None
        result = fleet_migrate(
            _targets(targets),
            settings=_settings(opts),
            parallel=parallel,
            canary=canary,
            max_failures=max_failures,
            target_timeout=timeout or None,
            to=to,
            lint=not no_lint,
            backup=not no_backup,
            wait_replicas=wait_replicas,
            on_event=display,
        )
    except Exception as exc:
        display.close()
        fail(exc, debug)
    display.close()
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
    else:
        _report(result, quiet)
    if result.interrupted:
        sys.exit(130)
    sys.exit(EXIT_OK if result.ok else EXIT_ERROR)


class _Display:
    """The run as it goes: on a terminal a bar (targets done, running, failed, ETA) with
    each failure printed above it; elsewhere a line per finished target."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stdout.isatty()
        self.progress: Any = None
        self.task: Any = None
        self.done = self.running = self.failed = 0

    def __call__(self, event: FleetEvent) -> None:
        if event.kind in ("stopping", "cancelling"):
            self._print_err(event.message)
            return
        if event.kind == "event":
            inner = event.event
            if (
                inner is not None
                and event.target is not None
                and (
                    inner.kind == "wait"
                    or (inner.kind == "note" and inner.message.startswith("backup of"))
                )
            ):
                self._print_err(f"{event.target.name}: {inner.message}")
            return
        if event.kind == "start":
            self.running += 1
        elif event.kind == "done" and event.result is not None:
            self.running -= 1
            self.done += 1
            result = event.result
            if not result.ok:
                self.failed += 1
            # on a terminal the bar shows the successes and the report lists every target
            if not result.ok or (self.enabled and not self.tty):
                self._line(result)
        if self.enabled and self.tty:
            self._bar(event.total)

    def _line(self, result: Any) -> None:
        colour, word = _MARK.get(result.state, ("white", result.state))
        applied = f"{len(result.applied)} applied, " if result.applied else ""
        state = click.style(f"{word:<11}", fg=colour)
        text = f"  {state} {result.target.name}  ({applied}{result.seconds:.2f} s)"
        if not result.ok and result.message:
            text += f"\n      {result.message.splitlines()[0]}"
        if self.progress is not None:
            self.progress.console.print(text, highlight=False, markup=False)
        else:  # with --json or --quiet only failures, and never on the report's stdout
            click.echo(text, err=not self.enabled)

    def _print_err(self, text: str) -> None:
        if self.progress is not None:
            self.progress.console.print(
                f"pgshift: {text}", style="dim", highlight=False, markup=False
            )
        else:
            note(text)

    def _bar(self, total: int) -> None:
        if self.progress is None:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("targets", total=total)
        description = f"running {self.running}, failed {self.failed}"
        self.progress.update(self.task, completed=self.done, description=description)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _report(result: FleetResult, quiet: bool) -> None:
    """Every target's outcome, then the totals: on a terminal a table of every target;
    elsewhere (where a line per target was printed as it finished) and with --quiet,
    those that did not migrate."""
    everything = sys.stdout.isatty() and not quiet
    shown = [r for r in result.results if everything or not r.ok]
    if shown and sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(box=None, pad_edge=False, title="fleet migrate", title_justify="left")
        for title in ("target", "state", "applied", "seconds", "detail"):
            table.add_column(title, overflow="fold")
        for item in shown:
            colour, word = _MARK.get(item.state, ("white", item.state))
            table.add_row(
                item.target.name,
                f"[{colour}]{word}[/]",
                str(len(item.applied)),
                f"{item.seconds:.2f}",
                (item.message or "").splitlines()[0] if item.message else "",
            )
        Console(highlight=False).print(table)
    elif shown:
        click.echo("did not migrate:" if not everything else "report:")
        for item in shown:
            click.echo(
                f"  {item.state:<11} {item.target.name}  applied {len(item.applied)}  "
                f"{item.seconds:.2f} s"
            )
            if item.message:
                click.echo(f"      {item.message}")
            if item.hint:
                click.echo(f"      hint: {item.hint}")
    counts = ", ".join(f"{n} {state}" for state, n in result.counts.items())
    summary = (
        f"{len(result.results)} targets in {result.seconds:.1f} s, {result.parallel} at a "
        f"time: {counts}"
    )
    if result.stopped:
        summary += f"; stopped: {result.stopped}"
    click.echo(summary)
    left = [r for r in result.results if not r.ok]
    if left:
        click.echo(
            f"run 'pgshift fleet migrate' again to finish the {len(left)} target"
            f"{'s' if len(left) != 1 else ''} left; it does only what is left",
            err=True,
        )
