"""Seed data: SQL and Python files run against the current schema, each file atomic.

``seeds/*.sql|*.py`` run first, in name order, then, when an environment is set,
``seeds/<environment>/*.sql|*.py``. A seed file runs in one transaction of its
own: all of it or none. Seeds are meant to be idempotent (``INSERT ... ON
CONFLICT``), so running them again changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgshift.config import Settings
from pgshift.errors import ConfigError, DiscoveryError, HistoryError, MigrationError, PgshiftError
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations.sections import Section, is_blank_or_comment
from pgshift.migrations.statements import Statement, split

if TYPE_CHECKING:
    import psycopg


_KINDS = {".sql": "sql", ".py": "py"}
# Names that were surely meant as seeds but would be skipped: say so rather than
# leave data out without a word. Editor backups (.bak, ~, .orig, .swp) stay ignored.
_MISTAKES = (".sql.txt", ".py.txt", ".psql", ".pgsql")
# Commands whose row count is rows written; a SELECT's rows are not "affected".
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"})

_DEFAULT_HINT = "Fix the seed file; its transaction was rolled back and nothing of it was kept."
_DRIFTED = (
    "The seed no longer fits the schema (was a table or column renamed or dropped by a "
    "migration?): fix the seed file. Its transaction was rolled back and nothing of it was kept."
)
SEED_HINTS: dict[str, str] = {
    "42P01": _DRIFTED,
    "42703": _DRIFTED,
    "42704": _DRIFTED,
    "42883": _DRIFTED,
    "42804": _DRIFTED,
    "23502": "A value the schema requires (NOT NULL) is missing: the seed no longer fits the "
    "schema; fix the seed file. Nothing of it was kept.",
    "23503": "A referenced row is missing: seed the referenced table first (seeds run in name "
    "order), or fix the seed file. Nothing of it was kept.",
    "23505": "The row already exists. Seeds run again on every 'pgshift seed': write them as "
    "INSERT ... ON CONFLICT (...) DO UPDATE or DO NOTHING. Nothing of the file was kept.",
    "23514": "A check constraint refused a seed row: the seed no longer fits the schema; fix "
    "the seed file. Nothing of it was kept.",
}


@dataclass(frozen=True, slots=True)
class SeedFile:
    """One seed file."""

    path: Path
    kind: str  # "sql" | "py"


@dataclass(frozen=True, slots=True)
class SeedRun:
    """A seed file that ran: statements sent, rows written (summed) and time taken.

    A Python seed counts as one statement; its rows are what ``seed(conn)``
    returned when that is a number, else 0.
    """

    file: SeedFile
    statements: int
    rows: int
    seconds: float


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What ``pgshift seed`` did on one database."""

    target: str
    runs: tuple[SeedRun, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        """Rows written by every file together."""
        return sum(run.rows for run in self.runs)


def _files_in(folder: Path) -> list[SeedFile]:
    found = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith((".", "_")) or not path.is_file():
            continue
        kind = _KINDS.get(path.suffix)
        if kind is not None:
            found.append(SeedFile(path, kind))
            continue
        lowered = name.lower()
        if path.suffix.lower() in _KINDS or lowered.endswith(_MISTAKES):
            stem = name[: -len(path.suffix)] if path.suffix.lower() in _KINDS else path.stem
            meant = ".py" if ".py" in lowered else ".sql"
            raise DiscoveryError(
                f"{path}: looks like a seed file but is not named *.sql or *.py, so it "
                "would be skipped.",
                f"Rename it to {stem.removesuffix('.sql').removesuffix('.py')}{meant} "
                "(lower-case suffix), or move it out of the seeds folder.",
                path=path,
            )
    return found


def seed_files(settings: Settings) -> tuple[SeedFile, ...]:
    """The seed files to run, in order: ``seeds_dir/*`` by name, then
    ``seeds_dir/<environment>/*`` when an environment is set.

    A missing seeds folder holds no seeds; a missing environment folder is an error.
    """
    folder = settings.seeds_dir
    environment = settings.environment
    if not folder.is_dir():
        if environment is None:
            return ()
        raise ConfigError(
            f"environment {environment!r} is set but the seeds folder {folder} does not exist.",
            f"Create {folder / environment}/ with that environment's seed files, or unset "
            "the environment (--env, PGSHIFT_ENV or 'environment' in pgshift.toml).",
        )
    files = _files_in(folder)
    if environment is not None:
        extra = folder / environment
        if not extra.is_dir():
            present = sorted(
                p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
            )
            known = f" Seed sets found: {', '.join(present)}." if present else ""
            raise ConfigError(
                f"no seed set for environment {environment!r}: {extra} does not exist.",
                f"Create that folder with the environment's seed files, or pick another "
                f"environment (--env, PGSHIFT_ENV or 'environment' in pgshift.toml).{known}",
            )
        files.extend(_files_in(extra))
    return tuple(files)


def label(file: SeedFile, settings: Settings) -> str:
    """The file's path as the user would write it (relative to the project when inside it)."""
    try:
        return str(file.path.relative_to(settings.project_dir))
    except ValueError:
        return str(file.path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DiscoveryError(
            f"{path}: not UTF-8 text.", "Save the seed file as UTF-8.", path=path
        ) from exc


def prepare(file: SeedFile) -> tuple[Statement, ...]:
    """Parse and check one seed file before anything runs (no statements for Python)."""
    text = _read(file.path)
    if file.kind == "py":
        _check_python(file.path, text)
        return ()
    if all(is_blank_or_comment(line) for line in text.splitlines()):
        return ()
    statements = split(Section(text, file.path, 1))
    for statement in statements:
        where = f"{file.path}:{statement.line}"
        if statement.transaction_control:
            raise DiscoveryError(
                f"{where}: transaction control ({statement.sql.split()[0].upper()}) in a seed.",
                "Each seed file runs in a transaction of its own; remove BEGIN/COMMIT.",
                path=file.path,
                line=statement.line,
            )
        if statement.outside_transaction:
            raise DiscoveryError(
                f"{where}: this statement cannot run inside a transaction block, and a seed "
                f"file runs in one.\n    {statement.sql.splitlines()[0]}",
                "Schema changes belong in a migration ('pgshift new'); seeds hold data.",
                path=file.path,
                line=statement.line,
            )
    return statements


def _check_python(path: Path, text: str) -> None:
    import ast

    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise DiscoveryError(
            f"{path}:{exc.lineno}: Python syntax error: {exc.msg}.",
            "Fix the seed's Python code; nothing has been run.",
            path=path,
            line=exc.lineno,
        ) from exc
    if not any(isinstance(node, ast.FunctionDef) and node.name == "seed" for node in tree.body):
        raise DiscoveryError(
            f"{path}: a Python seed must define seed(conn).",
            "Add: def seed(conn): conn.execute('INSERT ... ON CONFLICT ...'). It runs in a "
            "transaction of its own.",
            path=path,
        )


def run_seeds(
    conn: psycopg.Connection[Any],
    settings: Settings,
    on_event: EventHandler | None = None,
) -> tuple[SeedRun, ...]:
    """Run every seed file on ``conn`` (autocommit), each in a transaction of its own.

    Every file is parsed and checked before the first one runs. A failing file
    raises :class:`MigrationError` naming ``file:line``; nothing of that file is
    kept, and the files before it stay applied.
    """
    files = seed_files(settings)
    prepared = [(file, prepare(file)) for file in files]
    total = len(prepared)
    runs = []
    for index, (file, statements) in enumerate(prepared, start=1):
        name = label(file, settings)
        emit(on_event, Event("seed", name, index=index, total=total))
        started = time.perf_counter()
        if file.kind == "py":
            count, rows = 1, _run_python(conn, file.path)
        else:
            count, rows = len(statements), _run_sql(conn, file.path, statements)
        run = SeedRun(file, count, rows, time.perf_counter() - started)
        runs.append(run)
        written = f"{name}: {rows} row{'' if rows == 1 else 's'} written"
        emit(on_event, Event("seeded", written, index=index, total=total, seconds=run.seconds))
    return tuple(runs)


def _run_sql(conn: psycopg.Connection[Any], path: Path, statements: tuple[Statement, ...]) -> int:
    import psycopg

    rows = 0
    with conn.transaction():
        for statement in statements:
            try:
                cursor = conn.execute(statement.sql, prepare=False)
            except psycopg.Error as exc:
                raise _statement_error(conn, exc, statement, path) from exc
            command = (cursor.statusmessage or "").split(" ", 1)[0]
            if command in _WRITES and cursor.rowcount > 0:
                rows += cursor.rowcount
    return rows


def _run_python(conn: psycopg.Connection[Any], path: Path) -> int:
    from pgshift.migrations.python import load_python, python_error

    try:
        module = load_python(path)
    except MigrationError as exc:
        exc.hint = _DEFAULT_HINT if not exc.sqlstate else SEED_HINTS.get(exc.sqlstate, exc.hint)
        raise
    function = getattr(module, "seed", None)
    if not callable(function):
        raise DiscoveryError(f"{path}: a Python seed must define seed(conn).", path=path)
    try:
        with conn.transaction():
            returned = function(conn)
    except PgshiftError:
        raise
    except Exception as exc:
        error = python_error(path, exc, "in the seed")
        if error.sqlstate:
            error.message += f"\n  SQLSTATE {error.sqlstate}"
        error.hint = SEED_HINTS.get(error.sqlstate or "", _DEFAULT_HINT)
        raise error from exc
    is_count = isinstance(returned, int) and not isinstance(returned, bool)
    return returned if is_count and returned > 0 else 0


def _statement_error(
    conn: psycopg.Connection[Any], exc: Exception, statement: Statement, path: Path
) -> MigrationError:
    """``file:line``, the statement, the server's message and SQLSTATE, and what to do."""
    import psycopg

    diag = getattr(exc, "diag", None)
    state = getattr(exc, "sqlstate", None)
    line = statement.line
    position = getattr(diag, "statement_position", None)
    if position:
        line += statement.sql[: int(position) - 1].count("\n")
    primary = (getattr(diag, "message_primary", None) or str(exc)).strip()
    detail = getattr(diag, "message_detail", None)
    server_hint = getattr(diag, "message_hint", None)
    excerpt = "\n".join("    " + x for x in statement.sql.splitlines()[:8])
    message = f"{path}:{line}: {primary}"
    if detail:
        message += f"\n  detail: {detail}"
    message += f"\n{excerpt}"
    if state:
        message += f"\n  SQLSTATE {state}"
    hint = SEED_HINTS.get(state or "", _DEFAULT_HINT)
    if isinstance(exc, psycopg.OperationalError) and conn.broken:
        hint = "The connection to the server was lost; the server rolled the seed file back."
    if server_hint:
        hint = f"server hint: {server_hint.rstrip('.')}. {hint}"
    return MigrationError(
        message, hint, path=path, line=line, statement=statement.sql, sqlstate=state
    )


def seed_database(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    on_event: EventHandler | None = None,
) -> SeedResult:
    """Run the seeds under the migration lock; refuse while migrations are pending.

    Seeds are written for the current schema, so a database behind its migration
    files raises :class:`HistoryError` and nothing runs.
    """
    from pgshift.config import settings_for
    from pgshift.migrations.discovery import project_migrations
    from pgshift.migrations.session import open_session, status_of

    settings = settings_for(settings, url, None)
    migrations = project_migrations(settings).migrations
    files = seed_files(settings)
    for file in files:  # a broken file refuses before the lock is even taken
        prepare(file)
    with open_session(settings, write=True, on_event=on_event, create_history=False) as session:
        pending = status_of(session, migrations).pending
        if pending:
            count = len(pending)
            names = ", ".join(e.migration.name if e.migration else e.label for e in pending[:3])
            names += ", ..." if count > 3 else ""
            raise HistoryError(
                f"{count} migration{'s are' if count > 1 else ' is'} pending on "
                f"{session.target} ({names}); seeds need the current schema, so none ran.",
                "Run pgshift migrate first, then pgshift seed.",
            )
        runs = run_seeds(session.work(), settings, on_event)
        return SeedResult(session.target, runs, tuple(session.notes))
