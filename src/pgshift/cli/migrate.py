"""The migration commands: ``init``, ``new``, ``migrate`` (with ``--explain-locks``),
``status``, ``down``, ``repair`` and ``baseline``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from pgshift.cli._common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    fail,
    note,
    options,
    progress_printer,
    refuse_remote,
    settings_from,
    write_if_changed,
)
from pgshift.errors import PgshiftError


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Create migrations/ and pgshift.toml in a project."""
    from pgshift.migrations.scaffold import init as do_init

    try:
        created = do_init(directory)
    except Exception as exc:
        fail(exc, False)
    for path in created:
        click.echo(f"created {path}")
    if not created:
        click.echo("nothing to do: migrations/ and pgshift.toml exist")


@click.command()
@click.argument("slug")
@click.option("--python", is_flag=True, help="Write a Python migration (up(conn), down(conn)).")
@click.option("--no-transaction", is_flag=True, help="For CREATE INDEX CONCURRENTLY and such.")
@options
def new(slug: str, python: bool, no_transaction: bool, **opts: Any) -> None:
    """Write the next versioned migration file, named after SLUG."""
    from pgshift.migrations.scaffold import new as do_new

    try:
        path = do_new(
            slug, settings=settings_from(opts), python=python, no_transaction=no_transaction
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    click.echo(f"created {path}")


@click.command()
@click.option("--to", "to", metavar="VERSION", help="Stop after this version.")
@click.option("--dry-run", is_flag=True, help="Print the exact SQL, in order; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--allow-out-of-order", is_flag=True, help="Run pending files older than the newest.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@click.option(
    "--explain-locks",
    is_flag=True,
    help="With --dry-run: run the pending migrations on a scratch copy of the schema and "
    "show each statement's locks and rewrites beside the linter's prediction.",
)
@click.option(
    "--no-lint",
    is_flag=True,
    help="Run even with error-level lint findings (they are refused by default).",
)
@click.option(
    "--no-backup",
    is_flag=True,
    help="Skip the backup of files that also say '-- pgshift:no-backup'.",
)
@click.option(
    "--docs",
    "docs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="After migrating, rewrite this schema document (as 'pgshift docs').",
)
@click.option(
    "--max-replica-lag",
    metavar="DURATION",
    help="Before each migration and between backfill batches, wait while a replica's "
    "replay lag is above this (5s, 500ms; 0: off; default: max_replica_lag).",
)
@click.option(
    "--wait-replicas",
    is_flag=True,
    help="Return only once every replica has replayed the migrations.",
)
@click.option(
    "--replica",
    "replicas",
    metavar="URL",
    multiple=True,
    help="A standby to read directly, besides the primary's pg_stat_replication "
    "(repeatable; default: replicas).",
)
@click.option(
    "--replica-timeout",
    metavar="DURATION",
    help="A replica that replays nothing this long while behind is reported and not "
    "waited on (default: replica_timeout, 60s).",
)
@options
def migrate(
    to: str | None,
    dry_run: bool,
    as_json: bool,
    quiet: bool,
    explain_locks: bool,
    no_lint: bool,
    no_backup: bool,
    docs_file: Path | None,
    max_replica_lag: str | None,
    wait_replicas: bool,
    replicas: tuple[str, ...],
    replica_timeout: str | None,
    **opts: Any,
) -> None:
    """Apply pending migrations, each in its own transaction, exactly once."""
    from pgshift.api import migrate as do_migrate

    if explain_locks:
        _explain(dry_run, as_json, opts)
        return

    started = time.perf_counter()
    try:
        settings = settings_from(opts)
        if max_replica_lag is not None or replicas or replica_timeout is not None:
            settings = _replica_options(settings, max_replica_lag, replicas, replica_timeout)
        result = do_migrate(
            settings=settings,
            to=to,
            dry_run=dry_run,
            lint=not no_lint,
            backup=not no_backup,
            on_event=None if as_json else progress_printer(quiet or dry_run),
            wait_replicas=wait_replicas,
        )
        if docs_file is not None and not dry_run:
            from pgshift.api import inspect_schema
            from pgshift.schema.docs import render

            if write_if_changed(docs_file, render(inspect_schema(settings=settings).schema)):
                note(f"wrote {docs_file}")
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "target": result.target,
                    "dry_run": dry_run,
                    "applied": [
                        {
                            "version": r.migration.version,
                            "slug": r.migration.slug,
                            "file": str(r.migration.path),
                            "seconds": round(r.seconds, 6),
                        }
                        for r in result.applied
                    ],
                    "planned": [str(m.path) for m in result.planned],
                    "sql": result.script,
                    "notes": list(result.notes),
                    "backups": [str(b.path) for b in result.backups],
                },
                indent=2,
            )
        )
        return
    if dry_run:
        if result.script:
            click.echo(result.script)
        else:
            note(f"nothing to migrate: {result.target} is up to date")
        return
    elapsed = time.perf_counter() - started
    count = len(result.applied)
    if count:
        noun = "migration" if count == 1 else "migrations"
        click.echo(f"{count} {noun} applied to {result.target} in {elapsed:.2f} s")
    else:
        click.echo(f"nothing to migrate: {result.target} is up to date")


def _replica_options(
    settings: Any, max_lag: str | None, replicas: tuple[str, ...], timeout: str | None
) -> Any:
    """``settings`` with the replica options given on the command line over them."""
    from dataclasses import replace

    from pgshift.config import parse_duration

    changes: dict[str, Any] = {}
    if max_lag is not None:
        changes["max_replica_lag"] = parse_duration(max_lag, "--max-replica-lag") or None
    if replicas:
        changes["replicas"] = tuple(r.strip() for r in replicas if r.strip())
    if timeout is not None:
        changes["replica_timeout"] = parse_duration(timeout, "--replica-timeout")
    return replace(settings, **changes)


def _explain(dry_run: bool, as_json: bool, opts: dict[str, Any]) -> None:
    """``migrate --dry-run --explain-locks``: the observed locks, statement by statement."""
    from pgshift.api import explain_locks

    if not dry_run:
        fail(PgshiftError("--explain-locks goes with --dry-run.", "Add --dry-run."), False)
    try:
        report = explain_locks(settings=settings_from(opts), on_event=progress_printer(True))
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "file": o.path,
                        "line": o.line,
                        "statement": o.statement,
                        "locks": [{"table": t, "mode": m} for t, m in o.locks],
                        "rewritten": list(o.rewritten),
                        "predicted": list(o.predicted),
                        "note": o.note,
                    }
                    for o in report
                ],
                indent=2,
            )
        )
        return
    if not report:
        click.echo("nothing pending")
    for o in report:
        click.echo(f"{Path(o.path).name}:{o.line}  {o.statement}")
        if o.note:
            click.echo(f"    {o.note}")
        else:
            locks = ", ".join(f"{t} {m}" for t, m in o.locks) or "no table lock"
            rewrite = f"; rewrites {', '.join(o.rewritten)}" if o.rewritten else ""
            click.echo(f"    observed:  {locks}{rewrite}")
        if o.predicted:
            click.echo(f"    predicted: {'; '.join(o.predicted)}")


_STATE_COLOUR = {
    "applied": "green",
    "baselined": "green",
    "pending": "yellow",
    "partial": "yellow",
    "below-baseline": "bright_black",
    "skipped": "bright_black",
    "changed": "red",
    "version-taken": "red",
    "missing": "red",
    "out-of-order": "red",
}


def _print_status(target: str, current: Any, layout: str = "") -> None:
    """A plain aligned table (fast for thousands of rows, and pipes cleanly)."""
    rows = [("version", "migration", "state", "applied at")]
    for entry in current.entries:
        applied = entry.applied.applied_at.strftime("%Y-%m-%d %H:%M:%S") if entry.applied else ""
        name = entry.migration.name if entry.migration else f"({entry.slug}: file missing)"
        if entry.state == "version-taken" and entry.applied:
            name += f" (history: {entry.applied.slug})"
        rows.append((entry.version or "R", name, entry.state, applied))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    styled: dict[str, str] = {}  # one style call per state, one write for the whole table
    lines = [f"{target}  (current version: {current.current or 'none'})"]
    if layout:
        lines.append(f"layout: {layout}")
    for index, (version, name, state, applied) in enumerate(rows):
        cells = f"{version:<{widths[0]}}  {name:<{widths[1]}}  "
        padded = f"{state:<{widths[2]}}"
        if index == 0:
            lines.append(click.style(f"{cells}{padded}  {applied}", bold=True))
            continue
        if padded not in styled:
            styled[padded] = click.style(padded, fg=_STATE_COLOUR.get(state))
        lines.append(f"{cells}{styled[padded]}  {applied}")
    click.echo("\n".join(lines))
    counts: dict[str, int] = {}
    for entry in current.entries:
        counts[entry.state] = counts.get(entry.state, 0) + 1
    click.echo(", ".join(f"{n} {state}" for state, n in counts.items()) or "no migrations")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@options
def status(as_json: bool, **opts: Any) -> None:
    """Show every migration's state; exit 1 when any is pending or wrong (for CI)."""
    from pgshift.api import status as do_status

    try:
        result = do_status(
            settings=settings_from(opts), on_event=None if as_json else progress_printer(True)
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    current = result.status
    if as_json:
        click.echo(
            json.dumps(
                {
                    "target": result.target,
                    "layout": result.layout,
                    "layout_detected": result.layout_detected,
                    "current": current.current,
                    "up_to_date": current.up_to_date,
                    "migrations": [
                        {
                            "version": e.version,
                            "slug": e.slug,
                            "state": e.state,
                            "applied_slug": e.applied.slug if e.applied else None,
                            "file": str(e.migration.path) if e.migration else None,
                            "applied_at": e.applied.applied_at.isoformat() if e.applied else None,
                        }
                        for e in current.entries
                    ],
                },
                indent=2,
            )
        )
    else:
        how = "detected" if result.layout_detected else "set in the settings"
        _print_status(result.target, current, f"{result.layout} ({how})")
    sys.exit(EXIT_OK if current.up_to_date else EXIT_FINDINGS)


@click.command()
@click.option("--to", "to", metavar="VERSION", help="Revert down to this version (kept); 0: all.")
@click.option("--steps", type=click.IntRange(min=1), help="Revert this many migrations.")
@click.option("--allow-remote", is_flag=True, help="Allow reverting on a non-local server.")
@click.option(
    "--no-backup",
    is_flag=True,
    help="Skip the backup of files that also say '-- pgshift:no-backup'.",
)
@options
def down(
    to: str | None, steps: int | None, allow_remote: bool, no_backup: bool, **opts: Any
) -> None:
    """Revert applied migrations with their down parts, newest first (default: the last one)."""
    from pgshift.api import down as do_down

    try:
        if to is not None and steps is not None:
            raise PgshiftError("give --to or --steps, not both.")
        settings = settings_from(opts)
        refuse_remote(settings, allow_remote, "down")
        result = do_down(
            settings=settings,
            to=to,
            steps=steps,
            backup=not no_backup,
            on_event=progress_printer(False),
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    count = len(result.reverted)
    click.echo(f"{count} migration{'s' if count != 1 else ''} reverted on {result.target}")


@click.command()
@click.option("--forget-missing", is_flag=True, help="Also drop history rows of deleted files.")
@click.option(
    "--accept-renamed",
    is_flag=True,
    help="A file under an applied version with another name is that migration renamed: "
    "record its new name and checksum.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@options
def repair(forget_missing: bool, accept_renamed: bool, yes: bool, **opts: Any) -> None:
    """Accept the checksums of edited applied files (after you have checked the edit)."""
    from pgshift.api import repair as do_repair
    from pgshift.api import status as do_status
    from pgshift.migrations.plan import taken_error

    try:
        settings = settings_from(opts)
        current = do_status(settings=settings, on_event=progress_printer(True)).status
        changed = current.having("changed")
        missing = current.having("missing") if forget_missing else ()
        taken = current.having("version-taken")
        if taken and not accept_renamed:
            raise taken_error(taken, current)
        if not changed and not missing and not taken:
            click.echo("nothing to repair")
            return
        for entry in taken:
            old = entry.applied.slug if entry.applied else "?"
            click.echo(
                f"  record {entry.migration.name if entry.migration else entry.label} as "
                f"'{entry.version} {old}' renamed (its new name and checksum)"
            )
        for entry in changed:
            if entry.applied is None:
                click.echo(
                    f"  record {entry.label} as applied (it stopped part-way and its file "
                    "changed: do this only if you finished it by hand)"
                )
            else:
                click.echo(f"  accept the new checksum of {entry.label}")
        for entry in missing:
            click.echo(f"  forget {entry.label} (its file is gone)")
        if not yes:
            if not sys.stdin.isatty():
                raise PgshiftError(
                    "repair needs confirmation and there is no terminal to ask.",
                    "Rerun with --yes once you have checked the list above.",
                )
            click.confirm("Record these in history? No migration SQL runs.", abort=True)
        result = do_repair(
            settings=settings, forget_missing=forget_missing, accept_renamed=accept_renamed
        )
    except click.Abort:
        click.echo("nothing changed")
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    click.echo(
        f"repaired {result.target}: {len(result.accepted)} checksum(s) accepted, "
        f"{len(result.renamed)} renamed, {len(result.forgotten)} row(s) forgotten"
    )


@click.command()
@click.argument("version")
@options
def baseline(version: str, **opts: Any) -> None:
    """Record migrations up to VERSION as applied without running them (existing database)."""
    from pgshift.api import baseline as do_baseline

    try:
        names = do_baseline(version, settings=settings_from(opts), on_event=progress_printer(True))
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    for name in names:
        click.echo(f"  baselined {name}")
    click.echo(f"baseline recorded at version {version}: {len(names)} file(s) marked as applied")
