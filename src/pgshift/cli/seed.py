"""``pgshift seed`` and ``pgshift reset``: seed data, and a development database rebuilt."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from pgshift.cli._common import (
    env_option,
    fail,
    note,
    options,
    progress_printer,
    settings_from,
)
from pgshift.errors import PgshiftError

if TYPE_CHECKING:
    from pgshift.config import Settings
    from pgshift.safety.seeds import SeedRun
    from pgshift.workflows.reset import ResetPlan


def _rows(count: int) -> str:
    return f"{count} row{'' if count == 1 else 's'}"


def _printer(quiet: bool = False) -> Callable[[Any], None]:
    """Migration events as ``migrate`` prints them, and a line per seed file."""
    migrations = progress_printer(quiet)
    noted: set[str] = set()  # reset connects several times; say each note once

    def handle(event: Any) -> None:
        if event.kind == "note":
            if event.message not in noted:
                noted.add(event.message)
                migrations(event)
        elif event.kind == "seeded":
            if not quiet:
                click.echo(f"  seeded  {event.message}  ({event.seconds * 1000:.0f} ms)")
        elif event.kind != "seed":
            migrations(event)

    return handle


def _run_json(run: SeedRun) -> dict[str, Any]:
    return {
        "file": str(run.file.path),
        "kind": run.file.kind,
        "statements": run.statements,
        "rows": run.rows,
        "seconds": round(run.seconds, 6),
    }


@click.command()
@env_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@options
def seed(environment: str | None, as_json: bool, **opts: Any) -> None:
    """Run the seed files (seeds/*.sql|*.py, then seeds/ENV/) against the database,
    each file in a transaction of its own. Refuses while migrations are pending."""
    from pgshift.safety.seeds import seed_database

    started = time.perf_counter()
    try:
        settings = settings_from(opts, environment)
        result = seed_database(settings=settings, on_event=_printer(quiet=as_json))
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if as_json:
        payload = {
            "target": result.target,
            "environment": settings.environment,
            "files": [_run_json(run) for run in result.runs],
            "rows": result.rows,
            "notes": list(result.notes),
        }
        click.echo(json.dumps(payload, indent=2))
        return
    if not result.runs:
        note(f"no seed files in {settings.seeds_dir}")
        return
    count = len(result.runs)
    click.echo(
        f"{count} seed file{'' if count == 1 else 's'} run on {result.target}: "
        f"{_rows(result.rows)} written in {time.perf_counter() - started:.2f} s"
    )


def _show(plan: ResetPlan, settings: Settings) -> None:
    where = "" if plan.local else " (NOT on this machine)"
    click.echo(f"reset will drop, in database {plan.database!r} on {plan.target}{where}:")
    for schema in plan.schemas:
        if schema.exists:
            click.echo(
                f"  schema {schema.name}: {schema.tables} table{'' if schema.tables == 1 else 's'}"
                f", about {_rows(schema.rows)}"
            )
    if not any(s.exists for s in plan.schemas):
        click.echo("  nothing (none of the schemas exists yet)")
    if plan.kept:
        click.echo(f"  (left alone, not in managed_schemas: {', '.join(plan.kept)})")
    seeds = f" and the seeds in {settings.seeds_dir}" if settings.seeds_dir.is_dir() else ""
    click.echo(f"then apply every migration in {settings.migrations_dir}{seeds}.")


@click.command()
@click.option("--yes", "-y", is_flag=True, help="Do not ask for the name (local servers only).")
@click.option(
    "--force",
    is_flag=True,
    help="Allow a server not on this machine (the name must still be typed).",
)
@env_option
@options
def reset(yes: bool, force: bool, environment: str | None, **opts: Any) -> None:
    """Drop everything in the managed schemas and pgshift's own, then migrate from nothing
    and run the seeds. Asks for the database's name; a remote server needs --force."""
    from pgshift.workflows.reset import check_target, plan_reset
    from pgshift.workflows.reset import reset as do_reset

    started = time.perf_counter()
    try:
        settings = settings_from(opts, environment)
        check_target(settings, force=force)  # before any connection
        remote = settings.database_url is not None and not _is_local(settings.database_url)
        if remote and yes:
            raise PgshiftError(
                "reset refused: --yes is accepted only for a server on this machine. "
                "Nothing was touched (no connection was made).",
                "For a remote server, run without --yes and type the database's name.",
            )
        printer = _printer()
        plan = plan_reset(settings, force=force, on_event=printer)
        _show(plan, settings)
        if yes:
            typed = plan.database
        else:
            try:
                typed = click.prompt(
                    "Type the database name to confirm", default="", show_default=False
                )
            except click.Abort:
                typed = ""
            if not sys.stdin.isatty():
                click.echo()  # the typed line's Enter was not echoed
            if typed.strip() != plan.database:
                what = f"{typed.strip()!r} is not" if typed.strip() else "no name was typed, not"
                raise PgshiftError(
                    f"reset cancelled: {what} {plan.database!r}. Nothing was dropped.",
                    "Type the database's name exactly as shown"
                    + (" (or pass --yes on a local server)." if plan.local else "."),
                )
            typed = typed.strip()
        result = do_reset(settings=settings, confirm=typed, force=force, on_event=printer)
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    from pgshift.events import Event

    for line in result.notes:
        printer(Event("note", line))
    applied = len(result.migrated.applied)
    rows = sum(run.rows for run in result.seeded)
    click.echo(
        f"reset {result.database} on {result.target}: dropped "
        f"{', '.join(s.name for s in result.dropped) or 'nothing'}; "
        f"{applied} migration{'' if applied == 1 else 's'} applied; "
        f"{len(result.seeded)} seed file{'' if len(result.seeded) == 1 else 's'} "
        f"({_rows(rows)}) in {time.perf_counter() - started:.2f} s"
    )


def _is_local(url: str) -> bool:
    from pgshift.db.connection import is_local

    return is_local(url)


__all__: list[Any] = ["reset", "seed"]
