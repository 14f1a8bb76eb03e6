"""The ``pgshift`` command: thin commands over the API, and the only place that prints.

Exit codes: 0 ok, 1 findings (``status`` with anything pending or wrong), 2 error.
Errors are one paragraph on stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from pgshift.config import LAYOUTS
from pgshift.errors import PgshiftError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _options(func: F) -> F:
    """The connection and project options every database command takes."""
    decorators = [
        click.option("--url", help="Database URL (default: DATABASE_URL, or the embedded server)."),
        click.option(
            "--dir",
            "directory",
            type=click.Path(file_okay=False, path_type=Path),
            help="Migrations directory (default: migrations/).",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Config file (default: nearest pgshift.toml or pyproject.toml).",
        ),
        click.option(
            "--layout",
            type=click.Choice(LAYOUTS),
            help="How the migrations directory is named (default: auto, detected).",
        ),
        click.option("--schema", help="Schema of pgshift's own tables (default: pgshift)."),
        click.option(
            "--wait",
            type=float,
            metavar="SECONDS",
            help="Wait up to SECONDS for the server to accept connections.",
        ),
        click.option(
            "--lock-wait",
            type=float,
            metavar="SECONDS",
            help="Wait up to SECONDS for another runner's migration lock (default 120).",
        ),
        click.option(
            "--allow-pooler",
            is_flag=True,
            help="Run through a pooler in session mode (refused by default).",
        ),
        click.option("--debug", is_flag=True, help="Show tracebacks and debug logging."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _settings(opts: dict[str, Any]) -> Any:
    from pgshift.config import load_settings

    if opts.get("debug"):
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    flags = {
        "database_url": opts.get("url"),
        "migrations": str(opts["directory"]) if opts.get("directory") else None,
        "schema": opts.get("schema"),
        "layout": opts.get("layout"),
        "connect_wait": opts.get("wait"),
        "lock_wait": opts.get("lock_wait"),
    }
    for flag in ("allow_out_of_order", "allow_pooler"):
        if opts.get(flag):
            flags[flag] = True
    return load_settings(flags, config_file=opts.get("config"))


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds it; True when written."""
    if path.is_file() and path.read_text() == text:
        return False
    path = path.resolve()  # through a symlink to the file it names
    if path.exists() and not path.is_file():
        path.write_text(text)  # a device or a pipe: written to, never replaced
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    # a sibling file renamed over the old one: an interrupted write never leaves half a file
    partial = path.with_name(f".{path.name}.pgshift-partial")
    try:
        partial.write_text(text)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return True


def _note(text: str) -> None:
    click.echo(click.style(f"pgshift: {text}", dim=True), err=True)


def _notes(event: Any) -> None:
    """An event handler that shows only the notes (for commands with a result to print)."""
    if event.kind == "note":
        _note(event.message)


def _progress_printer(quiet: bool) -> Callable[[Any], None]:
    """Renders runner events: a line per migration, a bar when there are many on a terminal,
    and the statements of a long file as they run (a bar on a terminal that lasts while
    the file runs, else a line every few seconds once it has run for two)."""
    state: dict[str, Any] = {}
    tty = sys.stdout.isatty()

    def statements(event: Any) -> None:
        if not tty:
            if event.seconds >= state.get("next_line", 2.0):
                state["next_line"] = event.seconds + 5.0
                share = event.index * 100 // max(event.total, 1)
                click.echo(
                    f"  {event.message}: {event.index:,} of {event.total:,} statements ({share}%)"
                )
            return
        if event.seconds < 1.0:  # a file this quick needs no bar
            return
        if "file" not in state:
            progress = state.get("progress")
            if progress is None:
                import atexit

                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )

                progress = Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("statements"),
                    TimeRemainingColumn(),
                    transient=True,
                )
                progress.start()
                atexit.register(progress.stop)  # a failed run leaves the terminal as it was
                state["own"] = progress
            state["file"] = (progress, progress.add_task(event.message, total=event.total))
        progress, task = state["file"]
        progress.update(task, completed=event.index)

    def file_done() -> None:
        state.pop("next_line", None)
        if "file" in state:
            progress, task = state.pop("file")
            progress.remove_task(task)
        if "own" in state:
            state.pop("own").stop()

    def handle(event: Any) -> None:
        if event.kind == "note" or event.kind == "wait" or event.kind == "resume":
            _note(event.message)
        elif quiet:
            return
        elif event.kind == "progress":
            statements(event)
        elif event.total > 20 and tty:
            if event.kind in ("done", "reverted"):
                file_done()
            if "progress" not in state:
                from rich.progress import Progress

                progress = Progress(transient=False)
                progress.start()
                state["progress"] = progress
                state["task"] = progress.add_task("migrating", total=event.total)
            if event.kind in ("done", "reverted"):
                state["progress"].update(state["task"], advance=1, description=event.message)
                if event.index == event.total:
                    state["progress"].stop()
        elif event.kind in ("done", "reverted"):
            file_done()
            verb = "applied " if event.kind == "done" else "reverted"
            click.echo(f"  {verb} {event.message}  ({event.seconds * 1000:.0f} ms)")

    return handle


def _fail(exc: BaseException, debug: bool) -> NoReturn:
    if isinstance(exc, BrokenPipeError):
        # the reader (head, less) went away: nothing to tell it; keep Python quiet on exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    if debug:
        import traceback

        traceback.print_exception(exc)
    driver = sys.modules.get("psycopg")
    if driver is not None and isinstance(exc, driver.Error):
        # a server error that no command turned into a paragraph: still the user's to fix
        from pgshift.db.sqlstate import server_error

        exc = server_error(exc)
    if isinstance(exc, OSError) and not isinstance(exc, PgshiftError):
        # The file system said no (permissions, a full disk): the user's to fix, not a bug.
        where = exc.filename or "a file pgshift needed"
        exc = PgshiftError(
            f"{where}: {exc.strerror or exc}.", "Check the path, its permissions and free space."
        )
    if isinstance(exc, PgshiftError):
        click.echo(click.style("error: ", fg="red", bold=True) + exc.message, err=True)
        if exc.hint:
            click.echo(click.style("hint: ", fg="yellow") + exc.hint, err=True)
    else:
        click.echo(
            click.style("error: ", fg="red", bold=True) + f"unexpected {type(exc).__name__}: {exc}",
            err=True,
        )
        click.echo("hint: this is a bug in pgshift; rerun with --debug and report it.", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pgshift", message="pgshift %(version)s")
def cli() -> None:
    """PostgreSQL schema migrations: applied exactly once, safely, fast.

    With no DATABASE_URL, pgshift runs an embedded PostgreSQL kept in .pgshift/pgdata.
    """


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Create migrations/ and pgshift.toml in a project."""
    from pgshift.migrations.scaffold import init as do_init

    try:
        created = do_init(directory)
    except Exception as exc:
        _fail(exc, False)
    for path in created:
        click.echo(f"created {path}")
    if not created:
        click.echo("nothing to do: migrations/ and pgshift.toml exist")


@cli.command()
@click.argument("slug")
@click.option("--python", is_flag=True, help="Write a Python migration (up(conn), down(conn)).")
@click.option("--no-transaction", is_flag=True, help="For CREATE INDEX CONCURRENTLY and such.")
@_options
def new(slug: str, python: bool, no_transaction: bool, **opts: Any) -> None:
    """Write the next versioned migration file, named after SLUG."""
    from pgshift.migrations.scaffold import new as do_new

    try:
        path = do_new(slug, settings=_settings(opts), python=python, no_transaction=no_transaction)
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
    click.echo(f"created {path}")


@cli.command()
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
@_options
def migrate(
    to: str | None,
    dry_run: bool,
    as_json: bool,
    quiet: bool,
    explain_locks: bool,
    no_lint: bool,
    no_backup: bool,
    docs_file: Path | None,
    **opts: Any,
) -> None:
    """Apply pending migrations, each in its own transaction, exactly once."""
    from pgshift.api import migrate as do_migrate

    if explain_locks:
        _explain(dry_run, as_json, opts)
        return

    started = time.perf_counter()
    try:
        settings = _settings(opts)
        result = do_migrate(
            settings=settings,
            to=to,
            dry_run=dry_run,
            lint=not no_lint,
            backup=not no_backup,
            on_event=None if as_json else _progress_printer(quiet or dry_run),
        )
        if docs_file is not None and not dry_run:
            from pgshift.api import inspect_schema
            from pgshift.schema.docs import render

            if _write_if_changed(docs_file, render(inspect_schema(settings=settings).schema)):
                _note(f"wrote {docs_file}")
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
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
            _note(f"nothing to migrate: {result.target} is up to date")
        return
    elapsed = time.perf_counter() - started
    count = len(result.applied)
    if count:
        noun = "migration" if count == 1 else "migrations"
        click.echo(f"{count} {noun} applied to {result.target} in {elapsed:.2f} s")
    else:
        click.echo(f"nothing to migrate: {result.target} is up to date")


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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_options
def status(as_json: bool, **opts: Any) -> None:
    """Show every migration's state; exit 1 when any is pending or wrong (for CI)."""
    from pgshift.api import status as do_status

    try:
        result = do_status(
            settings=_settings(opts), on_event=None if as_json else _progress_printer(True)
        )
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
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


@cli.command()
@click.option("--to", "to", metavar="VERSION", help="Revert down to this version (kept); 0: all.")
@click.option("--steps", type=click.IntRange(min=1), help="Revert this many migrations.")
@click.option("--allow-remote", is_flag=True, help="Allow reverting on a non-local server.")
@click.option(
    "--no-backup",
    is_flag=True,
    help="Skip the backup of files that also say '-- pgshift:no-backup'.",
)
@_options
def down(
    to: str | None, steps: int | None, allow_remote: bool, no_backup: bool, **opts: Any
) -> None:
    """Revert applied migrations with their down parts, newest first (default: the last one)."""
    from pgshift.api import down as do_down

    try:
        if to is not None and steps is not None:
            raise PgshiftError("give --to or --steps, not both.")
        settings = _settings(opts)
        _refuse_remote(settings, allow_remote, "down")
        result = do_down(
            settings=settings,
            to=to,
            steps=steps,
            backup=not no_backup,
            on_event=_progress_printer(False),
        )
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
    count = len(result.reverted)
    click.echo(f"{count} migration{'s' if count != 1 else ''} reverted on {result.target}")


def _refuse_remote(settings: Any, allowed: bool, command: str) -> None:
    from pgshift.db.connection import is_local

    if settings.database_url is None or allowed or is_local(settings.database_url):
        return
    raise PgshiftError(
        f"'{command}' changes data and the server is not on this machine.",
        "If you mean it, rerun with --allow-remote.",
    )


@cli.command()
@click.option("--forget-missing", is_flag=True, help="Also drop history rows of deleted files.")
@click.option(
    "--accept-renamed",
    is_flag=True,
    help="A file under an applied version with another name is that migration renamed: "
    "record its new name and checksum.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@_options
def repair(forget_missing: bool, accept_renamed: bool, yes: bool, **opts: Any) -> None:
    """Accept the checksums of edited applied files (after you have checked the edit)."""
    from pgshift.api import repair as do_repair
    from pgshift.api import status as do_status
    from pgshift.migrations.plan import taken_error

    try:
        settings = _settings(opts)
        current = do_status(settings=settings, on_event=_progress_printer(True)).status
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
        _fail(exc, opts.get("debug", False))
    click.echo(
        f"repaired {result.target}: {len(result.accepted)} checksum(s) accepted, "
        f"{len(result.renamed)} renamed, {len(result.forgotten)} row(s) forgotten"
    )


@cli.command()
@click.argument("version")
@_options
def baseline(version: str, **opts: Any) -> None:
    """Record migrations up to VERSION as applied without running them (existing database)."""
    from pgshift.api import baseline as do_baseline

    try:
        names = do_baseline(version, settings=_settings(opts), on_event=_progress_printer(True))
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
    for name in names:
        click.echo(f"  baselined {name}")
    click.echo(f"baseline recorded at version {version}: {len(names)} file(s) marked as applied")


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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_options
def tables(as_json: bool, **opts: Any) -> None:
    """List tables and views, like psql's \\dt, with row estimates and sizes."""
    from pgshift.api import inspect_schema

    try:
        result = inspect_schema(settings=_settings(opts), on_event=_progress_printer(True))
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
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


@cli.command()
@click.argument("table")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_options
def describe(table: str, as_json: bool, **opts: Any) -> None:
    """Show one table like psql's \\d: columns, indexes, constraints, references."""
    from dataclasses import asdict

    from pgshift.api import inspect_schema

    try:
        result = inspect_schema(settings=_settings(opts), on_event=_progress_printer(True))
        found = result.schema.table(table)
        if found is None:
            raise PgshiftError(
                f"table {table!r} does not exist in {result.target}.",
                "'pgshift tables' lists the tables; qualify the name as schema.table if needed.",
            )
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
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


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/schema.md"),
    show_default=True,
    help="Where to write the Markdown; '-' prints it.",
)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if the file is stale.")
@_options
def docs(output: Path, check: bool, **opts: Any) -> None:
    """Write the schema as Markdown with a Mermaid ER diagram, from the live database."""
    from pgshift.api import inspect_schema
    from pgshift.schema.docs import render

    try:
        result = inspect_schema(settings=_settings(opts), on_event=_progress_printer(True))
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
        written = _write_if_changed(output, text)
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
    click.echo(f"{'wrote' if written else 'unchanged:'} {output}")


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the SQL to FILE instead of printing it.",
)
@_options
def dump(output: Path | None, **opts: Any) -> None:
    """Write the schema as SQL, in dependency order, loadable into an empty database."""
    from pgshift.api import inspect_schema
    from pgshift.schema.dump import render

    try:
        result = inspect_schema(settings=_settings(opts), on_event=_progress_printer(True))
        text = render(result.schema)
        if output is None:
            click.echo(text, nl=False)
            return
        _write_if_changed(output, text)
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
    click.echo(f"wrote {output}")


@cli.group()
def embedded() -> None:
    """Manage the embedded PostgreSQL kept in .pgshift/pgdata."""


def _embedded_server(config: Path | None) -> Any:
    from pgshift.config import load_settings
    from pgshift.db.embedded import EmbeddedServer

    return EmbeddedServer(load_settings(config_file=config).embedded_dir)


def _test_server_dir(config: Path | None) -> Path:
    """The data folder of the pytest plugin's test server, if it has one yet."""
    from pgshift.config import load_settings
    from pgshift.db.testserver import disposable_dir

    return disposable_dir(load_settings(config_file=config).embedded_dir.parent, create=False)


_config_option = click.option("--config", type=click.Path(dir_okay=False, path_type=Path))


@embedded.command("status")
@_config_option
def embedded_status(config: Path | None) -> None:
    """Is it created, is it running, on which port."""
    try:
        info = _embedded_server(config).status()
    except Exception as exc:
        _fail(exc, False)
    click.echo(f"data:    {info.data_dir}")
    if not info.initialized:
        click.echo("state:   not created yet (any database command creates it)")
        _test_server_status(config)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"version: PostgreSQL {info.version}")
    click.echo(f"state:   {'running, pid ' + str(info.pid) if info.running else 'stopped'}")
    if info.url:
        click.echo(f"url:     {info.url}")
    _test_server_status(config)
    sys.exit(EXIT_OK if info.running else EXIT_FINDINGS)


def _test_server_status(config: Path | None) -> None:
    from pgshift.db.embedded import EmbeddedServer

    tests = EmbeddedServer(_test_server_dir(config)).status()
    if tests.initialized:
        state = f"running, {tests.url}" if tests.running else "stopped"
        click.echo(f"tests:   {tests.data_dir} ({state}; the pytest plugin's, without durability)")


@embedded.command("start")
@_config_option
def embedded_start(config: Path | None) -> None:
    """Create (if needed) and start the embedded server."""
    try:
        info = _embedded_server(config).ensure_running()
    except Exception as exc:
        _fail(exc, False)
    click.echo(f"running: PostgreSQL {info.version}, pid {info.pid}, {info.url}")


@embedded.command("stop")
@_config_option
def embedded_stop(config: Path | None) -> None:
    """Stop the embedded server (its data stays) and the test server of the pytest plugin
    (deleted when it lives in memory)."""
    from pgshift.db.testserver import remove_disposable

    try:
        stopped = _embedded_server(config).stop()
        tests = _test_server_dir(config)
        stopped_tests = remove_disposable(tests)
    except Exception as exc:
        _fail(exc, False)
    click.echo("stopped" if stopped else "not running")
    if stopped_tests:
        click.echo(f"stopped the test server in {tests}")


@embedded.command("url")
@_config_option
def embedded_url(config: Path | None) -> None:
    """Print the URL of the embedded server, starting it if needed."""
    try:
        info = _embedded_server(config).ensure_running()
    except Exception as exc:
        _fail(exc, False)
    click.echo(info.url)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    # Interrupt like Ctrl-C: psycopg cancels the running statement, the transaction
    # rolls back and the lock is released before the process exits.
    raise _Terminated


def main() -> None:
    """Console-script entry point."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="pgshift", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            _interrupted(exc.__cause__)
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt as exc:
        _interrupted(exc)


def _interrupted(exc: KeyboardInterrupt) -> NoReturn:
    click.echo(
        "interrupted: the running migration was cancelled and rolled back; "
        "what was applied before it stays applied",
        err=True,
    )
    sys.exit(143 if isinstance(exc, _Terminated) else 130)


if __name__ == "__main__":
    main()


def _explain(dry_run: bool, as_json: bool, opts: dict[str, Any]) -> None:
    """``migrate --dry-run --explain-locks``: the observed locks, statement by statement."""
    from pgshift.api import explain_locks

    if not dry_run:
        _fail(PgshiftError("--explain-locks goes with --dry-run.", "Add --dry-run."), False)
    try:
        report = explain_locks(settings=_settings(opts), on_event=_progress_printer(True))
    except Exception as exc:
        _fail(exc, opts.get("debug", False))
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


def _register() -> None:
    # here, not at the top: cli_lint uses this module's helpers
    from pgshift.cli.backup import backups, restore
    from pgshift.cli.diff import adopt, diff, generate
    from pgshift.cli.fix import fix
    from pgshift.cli.lint import lint
    from pgshift.cli.seed import reset, seed
    from pgshift.cli.verify import drift, verify

    cli.add_command(lint)
    cli.add_command(fix)
    cli.add_command(backups)
    cli.add_command(restore)
    cli.add_command(seed)
    cli.add_command(reset)
    cli.add_command(verify)
    cli.add_command(drift)
    cli.add_command(diff)
    cli.add_command(generate)
    cli.add_command(adopt)


_register()
