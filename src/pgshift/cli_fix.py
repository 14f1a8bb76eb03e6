"""``pgshift fix``: print or write the safe rewrite of a migration."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pgshift.cli import EXIT_FINDINGS, EXIT_OK, _fail, _write_if_changed


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--write",
    is_flag=True,
    help="Replace FILE with the first part and write the others as the next migrations.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def fix(files: tuple[Path, ...], write: bool, debug: bool) -> None:
    """Rewrite unsafe migration SQL into its safe equivalent: CONCURRENTLY indexes in
    no-transaction migrations, NOT VALID then VALIDATE, NOT NULL through a check, unique
    constraints from concurrently built indexes, batched backfills, lock timeouts.
    Prints the parts (exit 1 when there was something to fix), or writes them."""
    changed = apply_fixes(files, write, debug)
    sys.exit(EXIT_FINDINGS if changed and not write else EXIT_OK)


def apply_fixes(files: tuple[Path, ...], write: bool, debug: bool) -> bool:
    """Print or write the rewrite of each file; whether any had something to fix."""
    from pgshift.fix import header_comments, plan_files, rewrite_file

    changed = False
    try:
        for path in files:
            migration, result = rewrite_file(path)
            if not result.changed:
                click.echo(f"{path}: nothing to fix", err=True)
                continue
            changed = True
            for change in result.changes:
                click.echo(f"{path}: {change}", err=True)
            if write:
                for target, text in plan_files(path, migration, result):
                    _write_if_changed(target, text)
                    click.echo(f"wrote {target}")
                continue
            header = header_comments(migration)
            for index, part in enumerate(result.parts, start=1):
                click.echo(f"-- part {index} of {len(result.parts)} of {path.name}")
                click.echo(part.render(header if index == 1 else []))
    except Exception as exc:
        _fail(exc, debug)
    return changed


__all__: list[Any] = ["apply_fixes", "fix"]
