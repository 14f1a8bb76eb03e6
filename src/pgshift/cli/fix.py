"""``pgshift fix``: print or write the safe rewrite of a migration."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pgshift.cli import EXIT_FINDINGS, EXIT_OK, _fail, _write_if_changed

if TYPE_CHECKING:
    from pgshift.schema.model import Schema


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--write",
    is_flag=True,
    help="Replace FILE with the first part and write the others as the next migrations.",
)
@click.option(
    "--url",
    help="Database to read the live tables from, which a column type change needs "
    "(default: DATABASE_URL or the config's database_url, when set).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def fix(files: tuple[Path, ...], write: bool, url: str | None, debug: bool) -> None:
    """Rewrite unsafe migration SQL into its safe equivalent: CONCURRENTLY indexes in
    no-transaction migrations, NOT VALID then VALIDATE, NOT NULL through a check, unique
    constraints from concurrently built indexes, batched backfills, lock timeouts.
    Prints the parts (exit 1 when there was something to fix), or writes them."""
    changed = apply_fixes(files, write, debug, url)
    sys.exit(EXIT_FINDINGS if changed and not write else EXIT_OK)


def apply_fixes(files: tuple[Path, ...], write: bool, debug: bool, url: str | None = None) -> bool:
    """Print or write the rewrite of each file; whether any had something to fix."""
    from pgshift.online.fix import header_comments, plan_files, rewrite_file

    changed = False
    live = _live_schema(url)
    try:
        for path in files:
            migration, result = rewrite_file(path, live)
            for left in result.left:
                click.echo(f"{path}: {left}", err=True)
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


def _live_schema(url: str | None) -> Callable[[], Schema | None]:
    """A reader of the configured database's schema (None when none is configured)."""

    def load() -> Schema | None:
        from pgshift.api import inspect_schema
        from pgshift.config import load_settings

        settings = load_settings({"database_url": url})
        if settings.database_url is None:
            return None
        return inspect_schema(settings=settings).schema

    return load


__all__: list[Any] = ["apply_fixes", "fix"]
