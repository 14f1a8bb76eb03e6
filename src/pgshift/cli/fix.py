"""``pgshift fix``: print or write the safe rewrite of a migration."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgshift.cli._common import EXIT_FINDINGS, EXIT_OK
from pgshift.cli._shared_fix import apply_fixes


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


__all__ = ["fix"]
