"""The rewrite of unsafe migration SQL, printed or written: ``pgshift fix`` and ``pgshift
lint --fix`` both run it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pgshift.cli._common import fail, write_if_changed

if TYPE_CHECKING:
    from pgshift.schema.model import Schema


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
                    write_if_changed(target, text)
                    click.echo(f"wrote {target}")
                continue
            header = header_comments(migration)
            for index, part in enumerate(result.parts, start=1):
                click.echo(f"-- part {index} of {len(result.parts)} of {path.name}")
                click.echo(part.render(header if index == 1 else []))
    except Exception as exc:
        fail(exc, debug)
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
