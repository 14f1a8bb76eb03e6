"""``pgshift backups`` and ``pgshift restore``: the backups taken before data was destroyed."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from pgshift.cli._common import (
    fail,
    note,
    options,
    progress_printer,
    refuse_remote,
    settings_from,
)
from pgshift.errors import PgshiftError


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Config file (default: nearest pgshift.toml or pyproject.toml).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def backups(as_json: bool, config: str | None, debug: bool) -> None:
    """List the backups taken before migrations destroyed data, oldest first."""
    from pathlib import Path

    from pgshift.api import backups as list_backups
    from pgshift.safety.guard import size_text

    try:
        settings = settings_from({"config": Path(config) if config else None, "debug": debug})
        found = list_backups(settings)
    except Exception as exc:
        fail(exc, debug)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": b.name,
                        "path": str(b.path),
                        "created_at": b.created_at,
                        "database": b.database,
                        "migration": b.migration,
                        "rows": b.rows,
                        "bytes": b.size,
                        "items": [
                            {"what": i.label, "rows": i.rows, "why": i.why, "file": i.file}
                            for i in b.items
                        ],
                    }
                    for b in found
                ],
                indent=2,
            )
        )
        return
    if not found:
        click.echo(f"no backups in {settings.backups_dir}")
        return
    for b in found:
        migration = Path(str(b.migration.get("file", ""))).name
        what = ", ".join(i.label for i in b.items)
        click.echo(
            f"{b.name}  {b.database.get('name', '?')}  before {migration}: {what}  "
            f"({b.rows:,} rows, {size_text(b.size)})"
        )
    keep = settings.backup_keep
    note(
        f"{len(found)} backup{'s' if len(found) != 1 else ''} in {settings.backups_dir}; "
        + (f"the newest {keep} are kept" if keep else "all are kept (backup_keep = 0)")
    )


@click.command()
@click.argument("backup")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-remote", is_flag=True, help="Allow restoring into a non-local server.")
@click.option(
    "--other-database",
    is_flag=True,
    help="Restore into this database although the backup came from another.",
)
@options
def restore(backup: str, yes: bool, allow_remote: bool, other_database: bool, **opts: Any) -> None:
    """Put a backup's data back (a dropped table, schema or column's values).

    BACKUP is a name from 'pgshift backups' (or its prefix, a folder path, or 'latest').
    Shows what it will do and asks first."""
    from pgshift.api import restore as do_restore
    from pgshift.api import restore_plan

    try:
        settings = settings_from(opts)
        refuse_remote(settings, allow_remote, "restore")
        planned = restore_plan(backup, settings=settings, other_database=other_database)
        source = planned.backup
        click.echo(
            f"backup {source.name}, taken {source.created_at[:19]} UTC from database "
            f"{source.database.get('name', '?')} before {source.migration.get('file', '?')}"
        )
        for action in planned.actions:
            if action.refused:
                click.echo(f"  skip {action.item.label}: {action.refused}")
            else:
                click.echo(f"  {action.does}")
        runnable = [a for a in planned.actions if not a.refused]
        if not runnable:
            raise PgshiftError(
                "nothing of this backup can be restored as things are (see above).",
                "Do what the lines above say, then run restore again.",
            )
        if not yes:
            if not sys.stdin.isatty():
                raise PgshiftError(
                    "restore needs confirmation and there is no terminal to ask.",
                    "Rerun with --yes once you have checked the list above.",
                )
            click.confirm(f"Restore into {planned.target}?", abort=True)
        result = do_restore(
            backup,
            settings=settings,
            other_database=other_database,
            on_event=progress_printer(False),
        )
    except click.Abort:
        click.echo("nothing restored")
        sys.exit(1)
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    click.echo(
        f"{len(result.restored)} item{'s' if len(result.restored) != 1 else ''} restored "
        f"into {result.target}"
    )
