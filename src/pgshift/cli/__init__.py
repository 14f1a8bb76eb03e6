"""The ``pgshift`` command: thin commands over the API, and the only place that prints.

Exit codes: 0 ok, 1 findings (``status`` with anything pending or wrong), 2 error.
Errors are one paragraph on stderr; ``--debug`` adds the traceback.

The commands live in one module per group (``migrate``, ``schema``, ``lint``, ...) and
what they share in ``_common``. Only the module of the command that runs is imported:
``pgshift --help`` lists every command from :data:`COMMANDS`, importing none.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from gettext import gettext
from typing import Any, NamedTuple, NoReturn

import click

from pgshift.cli._common import EXIT_ERROR
from pgshift.version import __version__


class LazyCommand(NamedTuple):
    """Where a command is defined, and its help line as ``pgshift --help`` shows it."""

    module: str
    attr: str
    short_help: str


#: Every command of ``pgshift``. ``short_help`` is the command's own
#: ``get_short_help_str()`` (its docstring's first sentence); a test keeps them equal.
COMMANDS: dict[str, LazyCommand] = {
    "init": LazyCommand(
        "pgshift.cli.migrate",
        "init",
        "Create migrations/ and pgshift.toml in a project.",
    ),
    "new": LazyCommand(
        "pgshift.cli.migrate",
        "new",
        "Write the next versioned migration file, named after SLUG.",
    ),
    "migrate": LazyCommand(
        "pgshift.cli.migrate",
        "migrate",
        "Apply pending migrations, each in its own transaction, exactly once.",
    ),
    "status": LazyCommand(
        "pgshift.cli.migrate",
        "status",
        "Show every migration's state; exit 1 when any is pending or wrong (for CI).",
    ),
    "down": LazyCommand(
        "pgshift.cli.migrate",
        "down",
        "Revert applied migrations with their down parts, newest first (default: the last one).",
    ),
    "repair": LazyCommand(
        "pgshift.cli.migrate",
        "repair",
        "Accept the checksums of edited applied files (after you have checked the edit).",
    ),
    "baseline": LazyCommand(
        "pgshift.cli.migrate",
        "baseline",
        "Record migrations up to VERSION as applied without running them (existing database).",
    ),
    "fleet": LazyCommand(
        "pgshift.cli.fleet",
        "fleet",
        "Migrate many databases at once: tenants, shards, regions ([fleet] in pgshift.toml).",
    ),
    "tables": LazyCommand(
        "pgshift.cli.schema",
        "tables",
        "List tables and views, like psql's \\dt, with row estimates and sizes.",
    ),
    "describe": LazyCommand(
        "pgshift.cli.schema",
        "describe",
        "Show one table like psql's \\d: columns, indexes, constraints, references.",
    ),
    "docs": LazyCommand(
        "pgshift.cli.schema",
        "docs",
        "Write the schema as Markdown with a Mermaid ER diagram, from the live database.",
    ),
    "dump": LazyCommand(
        "pgshift.cli.schema",
        "dump",
        "Write the schema as SQL, in dependency order, loadable into an empty database.",
    ),
    "embedded": LazyCommand(
        "pgshift.cli.embedded",
        "embedded",
        "Manage the embedded PostgreSQL kept in .pgshift/pgdata.",
    ),
    "lint": LazyCommand(
        "pgshift.cli.lint",
        "lint",
        "Find unsafe SQL in migrations before it runs: PATHs (files or folders) "
        "without a server, or, with none, the pending migrations of the database "
        "(knowing its version and each table's size).",
    ),
    "fix": LazyCommand(
        "pgshift.cli.fix",
        "fix",
        "Rewrite unsafe migration SQL into its safe equivalent: CONCURRENTLY "
        "indexes in no-transaction migrations, NOT VALID then VALIDATE, NOT NULL "
        "through a check, unique constraints from concurrently built indexes, "
        "batched backfills, lock timeouts.",
    ),
    "backups": LazyCommand(
        "pgshift.cli.backup",
        "backups",
        "List the backups taken before migrations destroyed data, oldest first.",
    ),
    "restore": LazyCommand(
        "pgshift.cli.backup",
        "restore",
        "Put a backup's data back (a dropped table, schema or column's values).",
    ),
    "seed": LazyCommand(
        "pgshift.cli.seed",
        "seed",
        "Run the seed files (seeds/*.sql|*.py, then seeds/ENV/) against the "
        "database, each file in a transaction of its own.",
    ),
    "reset": LazyCommand(
        "pgshift.cli.seed",
        "reset",
        "Drop everything in the managed schemas and pgshift's own, then migrate "
        "from nothing and run the seeds.",
    ),
    "verify": LazyCommand(
        "pgshift.cli.verify",
        "verify",
        "Check the migrations on a scratch database: lint, every up from empty, the "
        "seeds (twice), every down in reverse back to empty, every up again, and "
        "the schema compared at each step.",
    ),
    "drift": LazyCommand(
        "pgshift.cli.verify",
        "drift",
        "Compare the database's live schema with the one its applied migrations "
        "make (replayed on a scratch database), object by object.",
    ),
    "diff": LazyCommand(
        "pgshift.cli.diff",
        "diff",
        "Print the SQL that takes one schema to another, in dependency order.",
    ),
    "generate": LazyCommand(
        "pgshift.cli.diff",
        "generate",
        "Write the next migration(s) taking the schema the migrations make to the "
        "one of SCHEMA.sql: up and down parts, rewritten the zero-downtime way, "
        "checked on a scratch database to make exactly that schema.",
    ),
    "adopt": LazyCommand(
        "pgshift.cli.diff",
        "adopt",
        "Take over a database built without pgshift: write a first migration "
        "recreating its schema (when there are no files), or record the files whose "
        "objects it already has as applied; then check the files make exactly its "
        "schema.",
    ),
}


def _columns() -> int:
    """``shutil.get_terminal_size().columns``, without shutil: its import (and that of the
    compression modules it loads) is 3 ms of every ``--help``."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _HelpFormatter(click.HelpFormatter):
    """click's formatter, measuring the terminal as click does but without shutil."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        if width is None and click.formatting.FORCED_WIDTH is None:
            width = max(min(_columns(), max_width or 80) - 2, 50)
        super().__init__(indent_increment, width, max_width)


class _Context(click.Context):
    formatter_class = _HelpFormatter


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is asked for."""

    context_class = _Context

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy_commands, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        loaded = self.commands.get(cmd_name)
        if loaded is not None or cmd_name not in self.lazy_commands:
            return loaded
        entry = self.lazy_commands[cmd_name]
        # __import__ rather than importlib.import_module: `python -X importtime` reports
        # only imports made through the import statement's machinery
        module = __import__(entry.module, fromlist=[entry.attr])
        command = getattr(module, entry.attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry.module}.{entry.attr} is not a click command")
        command.context_class = _Context  # its --help measured without shutil too
        self.add_command(command, cmd_name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # click draws its "Did you mean" from the commands loaded so far: a name it will
        # not find loads them all first
        if args and args[0] not in self.lazy_commands and args[0] not in self.commands:
            for name in self.lazy_commands:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # only a command that runs needs SIGTERM handled (--help and --version exit
        # before this): installed here, it costs them nothing
        import signal

        signal.signal(signal.SIGTERM, _terminate)
        return super().invoke(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own listing, with the help lines of commands not loaded from the table
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                # a stand-in shortens the line exactly as the command itself would
                command = click.Command(name, help=self.lazy_commands[name].short_help)
            if not command.hidden:
                rows.append((name, command))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section(gettext("Commands")):
            formatter.write_dl(
                [(name, command.get_short_help_str(limit)) for name, command in rows]
            )


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# the version from the package's own module (which the build reads too): asking the
# installed metadata costs importlib.metadata, a third of --version's time
@click.version_option(version=__version__, message="pgshift %(version)s")
def cli() -> None:
    """PostgreSQL schema migrations: applied exactly once, safely, fast.

    With no DATABASE_URL, pgshift runs an embedded PostgreSQL kept in .pgshift/pgdata.
    """


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    # Interrupt like Ctrl-C: psycopg cancels the running statement, the transaction
    # rolls back and the lock is released before the process exits.
    raise _Terminated


def main() -> None:
    """Console-script entry point."""
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
