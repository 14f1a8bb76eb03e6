"""What the command modules share: the connection options, settings from them, exit
codes, and the rendering of notes, progress and errors (the CLI is the only place that
prints).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from pgshift.errors import PgshiftError

if TYPE_CHECKING:
    from pathlib import Path

    from pgshift.config import Settings

_F = TypeVar("_F", bound=Callable[..., Any])
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def options(func: _F) -> _F:
    """The connection and project options every database command takes."""
    # imported here, not at the top: `pgshift --help` loads this module and needs
    # neither the config nor pathlib
    from pathlib import Path

    from pgshift.config import LAYOUTS

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


def settings_from(opts: dict[str, Any], environment: str | None = None) -> Settings:
    """The settings that the shared options, the environment and the config file give."""
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
        "environment": environment,
    }
    for flag in ("allow_out_of_order", "allow_pooler"):
        if opts.get(flag):
            flags[flag] = True
    return load_settings(flags, config_file=opts.get("config"))


env_option = click.option(
    "--env",
    "environment",
    metavar="ENV",
    help="Also run the seed set seeds/ENV/ (default: PGSHIFT_ENV or 'environment').",
)


def write_if_changed(path: Path, text: str) -> bool:
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


def note(text: str) -> None:
    """A note for the user: dim, on stderr, never in the way of a command's output."""
    click.echo(click.style(f"pgshift: {text}", dim=True), err=True)


def show_notes(event: Any) -> None:
    """An event handler that shows only the notes (for commands with a result to print)."""
    if event.kind == "note":
        note(event.message)


def progress_printer(quiet: bool) -> Callable[[Any], None]:
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
            note(event.message)
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


def fail(exc: BaseException, debug: bool) -> NoReturn:
    """Show ``exc`` as one paragraph on stderr (with the traceback when ``debug``), exit 2."""
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


def refuse_remote(settings: Any, allowed: bool, command: str) -> None:
    """Refuse a data-changing ``command`` on a server not on this machine, unless allowed."""
    from pgshift.db.connection import is_local

    if settings.database_url is None or allowed or is_local(settings.database_url):
        return
    raise PgshiftError(
        f"'{command}' changes data and the server is not on this machine.",
        "If you mean it, rerun with --allow-remote.",
    )
