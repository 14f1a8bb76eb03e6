"""``pgshift verify`` and ``pgshift drift``: the migration files checked on a scratch
database, and a live schema checked against them."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pgshift.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    env_option,
    fail,
    note,
    options,
    settings_from,
    show_notes,
)

if TYPE_CHECKING:
    from pgshift.schema.compare import Difference
    from pgshift.workflows.verify import VerifyResult


def _difference_json(difference: Difference) -> dict[str, Any]:
    return {
        "kind": difference.kind,
        "name": difference.name,
        "change": difference.change,
        "detail": difference.detail,
    }


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _verify_printer(quiet: bool) -> Callable[[Any], None]:
    def handle(event: Any) -> None:
        if event.kind == "note":
            note(event.message)
        elif quiet:
            return
        elif event.kind in ("verified", "failed"):
            mark = click.style("ok  ", fg="green") if event.kind == "verified" else "FAIL"
            if event.kind == "failed":
                mark = click.style(mark, fg="red", bold=True)
            click.echo(f"  {mark} {event.message}")

    return handle


def _verify_json(result: VerifyResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "server": result.target,
        "scratch": result.scratch,
        "migrations": result.migrations,
        "stages": [
            {"name": s.name, "summary": s.summary, "ok": s.ok, "seconds": round(s.seconds, 6)}
            for s in result.stages
        ],
        "problems": [
            {
                "stage": p.stage,
                "message": p.message,
                "hint": p.hint,
                "path": str(p.path) if p.path else None,
                "line": p.line,
                "differences": [_difference_json(d) for d in p.differences],
            }
            for p in result.problems
        ],
        "warnings": list(result.warnings),
        "notes": list(result.notes),
    }


@click.command()
@env_option
@click.option(
    "--require-down", is_flag=True, help="Fail when a migration has no down part (default: warn)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@options
def verify(environment: str | None, require_down: bool, as_json: bool, **opts: Any) -> None:
    """Check the migrations on a scratch database: lint, every up from empty, the seeds
    (twice), every down in reverse back to empty, every up again, and the schema
    compared at each step. The database itself is not touched. Exit 1 on a problem."""
    from pgshift.workflows.verify import verify as run_verify

    started = time.perf_counter()
    try:
        settings = settings_from(opts, environment)
        if not as_json:
            click.echo(f"verifying {_shown(settings.migrations_dir)} on a scratch database")
        result = run_verify(
            settings=settings, require_down=require_down, on_event=_verify_printer(as_json)
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if as_json:
        click.echo(json.dumps(_verify_json(result), indent=2))
        sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)
    for warning in result.warnings:
        click.echo(click.style("warning: ", fg="yellow") + warning)
    for problem in result.problems:
        click.echo(click.style(f"error ({problem.stage}): ", fg="red", bold=True) + problem.message)
        if problem.hint:
            click.echo(click.style("hint: ", fg="yellow") + problem.hint)
    seconds = time.perf_counter() - started
    if result.ok:
        click.echo(
            f"verified: {result.migrations} migration{'s' if result.migrations != 1 else ''} "
            f"on {result.target} in {seconds:.2f} s"
        )
        sys.exit(EXIT_OK)
    count = len(result.problems)
    click.echo(f"verify failed: {count} problem{'s' if count != 1 else ''} ({seconds:.2f} s)")
    sys.exit(EXIT_FINDINGS)


_HEADINGS = {
    "missing": "made by the migrations, missing from the database",
    "extra": "in the database, made by no migration",
    "changed": "different in the database",
}


@click.command()
@click.option("--owners", is_flag=True, help="Also compare who owns each object.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@options
def drift(owners: bool, as_json: bool, **opts: Any) -> None:
    """Compare the database's live schema with the one its applied migrations make
    (replayed on a scratch database), object by object. Exit 1 when they differ."""
    from pgshift.workflows.drift import drift as run_drift

    try:
        settings = settings_from(opts, None)
        result = run_drift(
            settings=settings,
            owners=owners,
            on_event=show_notes,
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    code = EXIT_FINDINGS if result.drifted else EXIT_OK
    if as_json:
        payload = {
            "target": result.target,
            "drifted": result.drifted,
            "replayed": [m.name for m in result.replayed],
            "pending": list(result.pending),
            "differences": [_difference_json(d) for d in result.differences],
            "notes": list(result.notes),
        }
        click.echo(json.dumps(payload, indent=2))
        sys.exit(code)
    count = len(result.replayed)
    applied = f"its {count} applied migration{'s' if count != 1 else ''}"
    if not result.drifted:
        click.echo(f"no drift: {result.target} has the schema {applied} make")
        sys.exit(code)
    click.echo(
        f"drift: {result.target} differs from the schema {applied} make "
        f"({len(result.differences)} difference{'s' if len(result.differences) != 1 else ''})"
    )
    for change, heading in _HEADINGS.items():
        found = [d for d in result.differences if d.change == change]
        if not found:
            continue
        click.echo(f"\n{heading}:")
        for d in found:
            detail = f": {d.detail}" if d.detail else ""
            click.echo(f"  {d.kind} {d.name}{detail}")
    click.echo(
        "\nPut each intended change into a migration (pgshift new), or undo it by hand; "
        "then run drift again."
    )
    sys.exit(code)
