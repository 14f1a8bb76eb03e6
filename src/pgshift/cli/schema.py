"""The schema commands, read from the live database: ``tables``, ``describe``, ``docs``
and ``dump``."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from pgshift.cli._common import (
    EXIT_FINDINGS,
    fail,
    options,
    progress_printer,
    settings_from,
    write_if_changed,
)
from pgshift.errors import PgshiftError


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.0f} {unit}"
        value /= 1024
    return f"{value:.0f} GB"


def _columns(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@options
def tables(as_json: bool, **opts: Any) -> None:
    """List tables and views, like psql's \\dt, with row estimates and sizes."""
    from pgshift.api import inspect_schema

    try:
        result = inspect_schema(settings=settings_from(opts), on_event=progress_printer(True))
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    if as_json:
        listing = [
            {
                "schema": t.schema,
                "name": t.name,
                "kind": t.kind,
                "rows": result.sizes.get(t.qualified, (None, None))[0],
                "bytes": result.sizes.get(t.qualified, (None, None))[1],
                "comment": t.comment,
            }
            for t in result.schema.tables
        ]
        click.echo(json.dumps({"target": result.target, "tables": listing}, indent=2))
        return
    rows = [("schema", "name", "kind", "rows", "size", "comment")]
    for t in result.schema.tables:
        estimate, size = result.sizes.get(t.qualified, (None, None))
        rows.append(
            (
                t.schema,
                t.name,
                t.kind,
                "" if estimate is None else f"~{estimate}",
                "" if size is None else _size(size),
                t.comment or "",
            )
        )
    click.echo(f"{result.target}: {len(result.schema.tables)} tables and views")
    if len(rows) > 1:
        click.echo(_columns(rows))


@click.command()
@click.argument("table")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@options
def describe(table: str, as_json: bool, **opts: Any) -> None:
    """Show one table like psql's \\d: columns, indexes, constraints, references."""
    from dataclasses import asdict

    from pgshift.api import inspect_schema

    try:
        result = inspect_schema(settings=settings_from(opts), on_event=progress_printer(True))
        found = result.schema.table(table)
        if found is None:
            raise PgshiftError(
                f"table {table!r} does not exist in {result.target}.",
                "'pgshift tables' lists the tables; qualify the name as schema.table if needed.",
            )
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    referenced_by = result.schema.referencing(found)
    if as_json:
        data = asdict(found)
        data["referenced_by"] = [
            {"table": other.qualified, "constraint": c.name, "columns": list(c.columns)}
            for other, c in referenced_by
        ]
        click.echo(json.dumps(data, indent=2))
        return
    lines = [f"{found.kind.capitalize()} {found.qualified}"]
    if found.comment:
        lines.append(found.comment)
    rows = [("column", "type", "null", "default", "comment")]
    for c in found.columns:
        default = c.default or (f"generated: {c.generated}" if c.generated else "")
        if c.identity:
            default = f"identity ({c.identity})"
        rows.append((c.name, c.type, "" if c.nullable else "not null", default, c.comment or ""))
    lines.append(_columns(rows))
    if found.indexes:
        lines.append("Indexes:")
        lines.extend(
            f"  {i.name}: {i.definition.split(' USING ', 1)[-1]}" + ("" if i.valid else "  INVALID")
            for i in found.indexes
        )
    if found.constraints:
        lines.append("Constraints:")
        lines.extend(
            f"  {c.name}: {c.definition}" + ("" if c.valid else "  (not validated)")
            for c in found.constraints
        )
    if referenced_by:
        lines.append("Referenced by:")
        lines.extend(f"  {o.qualified} {c.name}: {c.definition}" for o, c in referenced_by)
    if found.triggers:
        lines.append("Triggers:")
        lines.extend(f"  {t.definition}" for t in found.triggers)
    if found.policies:
        state = "enabled" if found.row_security else "disabled"
        lines.append(f"Policies (row security {state}):")
        lines.extend(f"  {p.name}: {p.command} USING ({p.using})" for p in found.policies)
    if found.definition:
        lines.append("Definition:")
        lines.append(found.definition.rstrip())
    click.echo("\n".join(lines))


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/schema.md"),
    show_default=True,
    help="Where to write the Markdown; '-' prints it.",
)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if the file is stale.")
@options
def docs(output: Path, check: bool, **opts: Any) -> None:
    """Write the schema as Markdown with a Mermaid ER diagram, from the live database."""
    from pgshift.api import inspect_schema
    from pgshift.schema.docs import render

    try:
        result = inspect_schema(settings=settings_from(opts), on_event=progress_printer(True))
        text = render(result.schema)
        if str(output) == "-":
            click.echo(text, nl=False)
            return
        current = output.read_text() if output.is_file() else None
        if check:
            if current == text:
                click.echo(f"{output} matches {result.target}")
                return
            import difflib

            diff = difflib.unified_diff(
                (current or "").splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"{output} (on disk)",
                f"{output} (from {result.target})",
            )
            click.echo("".join(diff), nl=False)
            click.echo(
                f"{output} is stale: run 'pgshift docs --output {output}' and commit it", err=True
            )
            sys.exit(EXIT_FINDINGS)
        written = write_if_changed(output, text)
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    click.echo(f"{'wrote' if written else 'unchanged:'} {output}")


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the SQL to FILE instead of printing it.",
)
@options
def dump(output: Path | None, **opts: Any) -> None:
    """Write the schema as SQL, in dependency order, loadable into an empty database."""
    from pgshift.api import inspect_schema
    from pgshift.schema.dump import render

    try:
        result = inspect_schema(settings=settings_from(opts), on_event=progress_printer(True))
        text = render(result.schema)
        if output is None:
            click.echo(text, nl=False)
            return
        write_if_changed(output, text)
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    click.echo(f"wrote {output}")
