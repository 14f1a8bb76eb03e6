"""``pgshift diff``: the SQL between two schemas, wherever each one is."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pgshift.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    fail,
    note,
    options,
    settings_from,
    show_notes,
)


@click.command()
@click.option(
    "--from",
    "from_source",
    metavar="SOURCE",
    help="The schema to start from: a database URL, a migrations directory, a .sql file "
    "or 'empty' (default: the database).",
)
@click.option(
    "--to",
    "to_source",
    metavar="SOURCE",
    help="The schema to reach, as for --from (default: the migrations directory).",
)
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Write the steps that destroy data (drop a table, a column, enum labels).",
)
@click.option(
    "--no-renames", is_flag=True, help="Never read a table or column as renamed: drop and add."
)
@click.option(
    "--ignore-extension-versions",
    is_flag=True,
    help="Compare extensions by name only: no ALTER EXTENSION ... UPDATE.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the steps as JSON.")
@options
def diff(
    from_source: str | None,
    to_source: str | None,
    allow_destructive: bool,
    no_renames: bool,
    ignore_extension_versions: bool,
    as_json: bool,
    **opts: Any,
) -> None:
    """Print the SQL that takes one schema to another, in dependency order. Exit 1
    when they differ. Nothing is changed: file and directory sources are built on a
    scratch database."""
    from pgshift.db.connection import resolve_url
    from pgshift.workflows.diff import diff as run_diff

    try:
        settings = settings_from(opts, None)
        if from_source is None:
            url, said = resolve_url(settings)
            if said:
                note(said)
            from_source = url
        if to_source is None:
            to_source = str(settings.migrations_dir)
        result = run_diff(
            from_source,
            to_source,
            settings=settings,
            allow_destructive=allow_destructive,
            renames=not no_renames,
            extension_versions=not ignore_extension_versions,
            on_event=show_notes,
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    code = EXIT_FINDINGS if result.different else EXIT_OK
    if as_json:
        payload = {
            "from": {"kind": result.source.kind, "where": result.source.where},
            "to": {"kind": result.target.kind, "where": result.target.where},
            "different": result.different,
            "steps": [
                {
                    "sql": s.sql,
                    "kind": s.kind,
                    "name": s.name,
                    "action": s.action,
                    "phase": s.phase,
                    "destructive": s.destructive,
                    "transactional": s.transactional,
                }
                for s in result.script.steps
            ],
            # a rename that was possible and not made
            "notes": list(result.script.notes),
            # differences no step writes: said, never dropped
            "unwritten": [
                {"kind": d.kind, "name": d.name, "change": d.change, "detail": d.detail}
                for d in result.script.unwritten
            ],
        }
        click.echo(json.dumps(payload, indent=2))
        sys.exit(code)
    if not result.different:
        note(f"no difference: {result.source.label} and {result.target.label}")
        sys.exit(code)
    steps = result.script.steps
    destroying = len(result.script.destructive)
    click.echo(f"-- from {result.source.label}")
    click.echo(f"-- to   {result.target.label}")
    summary = f"-- {len(steps)} step{'s' if len(steps) != 1 else ''}"
    if destroying:
        summary += f", {destroying} destroying data"
    click.echo(summary)
    click.echo(result.script.sql, nl=False)
    sys.exit(code)


@click.command()
@click.argument("slug")
@click.option(
    "--from",
    "schema_file",
    required=True,
    metavar="SCHEMA.sql",
    help="The schema as it should be: a .sql file that builds it in an empty database.",
)
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Write steps that destroy data (acknowledged in the file; backed up when run).",
)
@click.option("--dry-run", is_flag=True, help="Print the migrations instead of writing them.")
@options
def generate(
    slug: str, schema_file: str, allow_destructive: bool, dry_run: bool, **opts: Any
) -> None:
    """Write the next migration(s) taking the schema the migrations make to the one of
    SCHEMA.sql: up and down parts, rewritten the zero-downtime way, checked on a scratch
    database to make exactly that schema."""
    from pgshift.workflows.generate import generate as run_generate

    try:
        settings = settings_from(opts, None)
        result = run_generate(
            slug,
            schema_file,
            settings=settings,
            allow_destructive=allow_destructive,
            write=not dry_run,
            on_event=show_notes,
        )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if not result.files:
        note(f"nothing to generate: the migrations already make the schema of {schema_file}")
        sys.exit(EXIT_OK)
    for file in result.files:
        if dry_run:
            click.echo(f"-- {file.path}")
            click.echo(file.text)
        else:
            click.echo(
                f"wrote {file.path} ({file.steps} statement{'s' if file.steps != 1 else ''})"
            )
    sys.exit(EXIT_OK)


@click.command()
@click.option("--yes", is_flag=True, help="Record without asking.")
@click.option(
    "--alembic-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Alembic's versions folder, to map alembic_version onto the files.",
)
@options
def adopt(yes: bool, alembic_dir: Path | None, **opts: Any) -> None:
    """Take over a database built without pgshift: write a first migration recreating its
    schema (when there are no files), or record the files whose objects it already has
    as applied; then check the files make exactly its schema. Changes no table."""
    from pgshift.workflows.adopt import adopt as run_adopt
    from pgshift.workflows.adopt import plan_adopt

    try:
        settings = settings_from(opts, None)
        plan = plan_adopt(settings=settings, alembic_dir=alembic_dir, on_event=show_notes)
        for path, _ in plan.written:
            click.echo(f"adopt will write {path}: the live schema as a first migration")
        for found in plan.histories:
            click.echo(f"found another tool's history: {found}")
        for check in plan.checks:
            said = f" (applied according to {check.recorded_by})" if check.recorded_by else ""
            click.echo(f"  {check.state:<9} {check.migration.name}{said}")
            for name in check.missing[:5]:
                click.echo(f"              missing: {name}")
            for difference in check.different[:5]:
                click.echo(f"              differs: {difference.kind} {difference.name}: "
                           f"{difference.detail}")  # fmt: skip
        for line in plan.notes:
            note(line)
        count = len(plan.to_record) + len(plan.written)
        if not count:
            click.echo("nothing to record: none of the files' objects are in the database")
            sys.exit(EXIT_FINDINGS)
        question = (
            f"Record {count} migration{'s' if count != 1 else ''} as applied on "
            f"{plan.database!r} ({plan.target})?"
        )
        if not yes and not click.confirm(question, default=False):
            click.echo("nothing recorded")
            sys.exit(EXIT_FINDINGS)
        result = run_adopt(settings=settings, plan=plan, on_event=show_notes)
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    for path, _ in plan.written:
        click.echo(f"wrote {path}")
    click.echo(f"recorded as applied: {', '.join(result.recorded)}")
    if not plan.prefix:
        note(
            "some older files are not in the database: 'pgshift migrate --allow-out-of-order' "
            "applies them"
        )
    if result.matches:
        click.echo("checked: the migrations, built from empty, make exactly the live schema")
        sys.exit(EXIT_OK)
    click.echo("the live schema has what no recorded migration makes:")
    for d in result.left:
        click.echo(f"  {d.describe('the migrations', 'the database')}")
    click.echo("'pgshift generate' (with a schema file) or a new migration can take them in.")
    sys.exit(EXIT_FINDINGS)
