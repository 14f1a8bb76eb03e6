"""Other migration tools' history tables: found in the database, read, mapped onto files.

What ``pgshift adopt`` starts from, so a team switches tools without re-running
anything. Nothing here writes to the database.

==============  ================================  ==========================================
tool            table (any schema)                applied
==============  ================================  ==========================================
Flyway          ``flyway_schema_history``         each successful versioned row, and every
                                                  version up to a ``BASELINE`` row
golang-migrate  ``schema_migrations`` with dirty  every version up to the one row's
dbmate          ``schema_migrations``             the version of each row
Alembic         ``alembic_version``               the heads and every revision they descend
                                                  from, by the revision files' links
==============  ================================  ==========================================
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psycopg import sql
from psycopg.rows import tuple_row

from pgshift.errors import DiscoveryError, HistoryError, PgshiftError
from pgshift.migrations.discovery import Migration, canonical_version, read_text, version_key

if TYPE_CHECKING:
    from typing import TypeAlias

    import psycopg

    Cursor: TypeAlias = psycopg.Cursor[tuple[Any, ...]]

Key = tuple[int, ...]

FLYWAY = "flyway_schema_history"
MIGRATE = "schema_migrations"
ALEMBIC = "alembic_version"
_FLYWAY_COLUMNS = frozenset({"installed_rank", "version", "type", "script", "success"})

_FIND = """
SELECT n.nspname, c.relname, array_agg(a.attname::text ORDER BY a.attnum)
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a
    ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p')
    AND c.relname IN ('flyway_schema_history', 'schema_migrations', 'alembic_version')
    AND n.nspname <> 'information_schema'
    AND n.nspname !~ '^pg_'
GROUP BY n.nspname, c.relname
ORDER BY n.nspname, c.relname
"""

_ALEMBIC_TAG = re.compile(r"^(?:--|#)\s*alembic:\s*(\S+)\s*$", re.IGNORECASE)
_REVISION_FIELDS = frozenset({"revision", "down_revision", "depends_on"})


@dataclass(frozen=True, slots=True)
class ForeignHistory:
    """Another tool's record of what it applied, as found in the database.

    ``tool`` is ``flyway``, ``golang-migrate``, ``dbmate`` or ``alembic``; ``table``
    is where it was found (``schema.table``). ``versions`` is what the tool says is
    applied, oldest first: Flyway's successful versioned rows in ``installed_rank``
    order, golang-migrate's one current version, every dbmate row, Alembic's head
    revision id(s). ``dirty`` is golang-migrate's flag or a failed Flyway row, and
    ``failed`` names that migration. ``repeatables`` are the Flyway ``R__`` scripts
    applied; ``baseline`` is the version of a Flyway ``BASELINE`` row.
    """

    tool: str
    table: str
    versions: tuple[str, ...]
    dirty: bool = False
    repeatables: tuple[str, ...] = ()
    baseline: str | None = None
    failed: str | None = None


def find_histories(conn: psycopg.Connection[Any]) -> tuple[ForeignHistory, ...]:
    """Every other tool's history table in the database (any schema), read.

    A table with one of the names but not the tool's columns belongs to some other
    tool and is left out.
    """
    with conn.cursor(row_factory=tuple_row) as cur:
        tables = cur.execute(_FIND).fetchall()
        found = (_read(cur, schema, name, frozenset(columns)) for schema, name, columns in tables)
        return tuple(history for history in found if history is not None)


def _read(cur: Cursor, schema: str, name: str, columns: frozenset[str]) -> ForeignHistory | None:
    table = sql.Identifier(schema, name)
    where = f"{schema}.{name}"
    if name == FLYWAY:
        return _read_flyway(cur, table, where) if columns >= _FLYWAY_COLUMNS else None
    if name == ALEMBIC:
        if "version_num" not in columns:
            return None
        rows = cur.execute(sql.SQL("SELECT version_num FROM {}").format(table)).fetchall()
        return ForeignHistory("alembic", where, tuple(sorted(str(row[0]) for row in rows)))
    if "version" not in columns:
        return None
    if "dirty" in columns:
        return _read_golang(cur, table, where)
    rows = cur.execute(sql.SQL("SELECT version FROM {}").format(table)).fetchall()
    return ForeignHistory("dbmate", where, _in_version_order(str(row[0]) for row in rows))


def _read_flyway(cur: Cursor, table: sql.Identifier, where: str) -> ForeignHistory:
    rows = cur.execute(
        sql.SQL("SELECT version, type, script, success FROM {} ORDER BY installed_rank").format(
            table
        )
    ).fetchall()
    versions: dict[str, None] = {}
    repeatables: dict[str, None] = {}
    baseline: str | None = None
    failed: str | None = None
    for version, kind, script, success in rows:
        kind = str(kind).upper()
        if not success:
            failed = str(script or version)
        elif kind == "SCHEMA":
            continue
        elif kind == "BASELINE":
            baseline = None if version is None else str(version)
        elif version is None:
            repeatables[str(script).rsplit("/", 1)[-1]] = None
        elif kind == "DELETE" or kind.startswith("UNDO"):
            # 'flyway repair' marks a vanished migration with a DELETE row, and an undo
            # (Teams) adds an UNDO_* row: either way the version is no longer applied.
            versions.pop(str(version), None)
        else:
            versions.pop(str(version), None)
            versions[str(version)] = None
    return ForeignHistory(
        "flyway",
        where,
        tuple(versions),
        dirty=failed is not None,
        repeatables=tuple(repeatables),
        baseline=baseline,
        failed=failed,
    )


def _read_golang(cur: Cursor, table: sql.Identifier, where: str) -> ForeignHistory:
    rows = cur.execute(sql.SQL("SELECT version, dirty FROM {}").format(table)).fetchall()
    if len(rows) > 1:
        raise HistoryError(
            f"{where} holds {len(rows)} rows, but golang-migrate keeps exactly one "
            "(the current version).",
            "Set the version the schema is really at with golang-migrate "
            "('migrate force VERSION' rewrites the table), then try again.",
        )
    if not rows:
        return ForeignHistory("golang-migrate", where, ())
    version, dirty = str(rows[0][0]), bool(rows[0][1])
    return ForeignHistory(
        "golang-migrate", where, (version,), dirty=dirty, failed=version if dirty else None
    )


def _trim(key: Key) -> Key:
    # Flyway counts 1.0 and 1 as one version; dropping trailing zeros keeps the order.
    end = len(key)
    while end > 1 and key[end - 1] == 0:
        end -= 1
    return key[:end]


def _key(version: str) -> Key | None:
    try:
        return _trim(version_key(canonical_version(version.strip())))
    except ValueError:
        return None


def _in_version_order(versions: Iterable[str]) -> tuple[str, ...]:
    def order(version: str) -> tuple[bool, Key, str]:
        key = _key(version)
        return key is None, key or (), version

    return tuple(sorted(versions, key=order))


def applied_files(
    history: ForeignHistory,
    migrations: Sequence[Migration],
    *,
    alembic_dir: Path | None = None,
) -> tuple[Migration, ...]:
    """The pgshift migration files the other tool applied, in version order.

    Raises :class:`HistoryError` when the tool left a migration half-applied or says a
    version is applied that no file has. Repeatables are left out: pgshift runs each
    once more, which they are written to bear, whereas recording them could skip one
    edited since the other tool ran it. Alembic needs ``alembic_dir``, the folder of
    its revision files, read without running them.
    """
    if history.dirty:
        raise _dirty(history)
    versioned = [m for m in migrations if m.version is not None]
    if history.tool == "alembic":
        if alembic_dir is None:
            raise PgshiftError(
                f"{history.table} is Alembic's: which migrations it applied can only be "
                "told from its revision files.",
                "Pass the Alembic versions folder (the one holding the revision .py files, "
                "usually alembic/versions).",
            )
        chosen = _alembic_files(history, versioned, alembic_dir)
    else:
        chosen = _version_files(history, versioned)
    return tuple(sorted(chosen, key=lambda m: m.sort_key))


def _version_files(history: ForeignHistory, versioned: Sequence[Migration]) -> list[Migration]:
    by_key = {_trim(m.sort_key): m for m in versioned}
    chosen: dict[Path, Migration] = {}
    for version in history.versions:
        key = _key(version)
        migration = by_key.get(key) if key is not None else None
        if migration is None:
            raise _no_file(history, version)
        chosen[migration.path] = migration
    golang = history.tool == "golang-migrate"
    top = history.versions[-1] if golang and history.versions else history.baseline
    if top is not None:
        top_key = _key(top)
        if top_key is None:
            raise _no_file(history, top)
        chosen.update((m.path, m) for m in versioned if _trim(m.sort_key) <= top_key)
    return list(chosen.values())


def _dirty(history: ForeignHistory) -> HistoryError:
    name = history.failed or (history.versions[-1] if history.versions else "?")
    if history.tool == "golang-migrate":
        return HistoryError(
            f"golang-migrate left migration {name} half-applied: {history.table} marks it "
            "dirty, so what of it ran is unknown.",
            f"Fix that with golang-migrate first: finish migration {name} by hand and run "
            f"'migrate force {name}' (or undo it and force the version before it), then adopt.",
        )
    if history.tool == "flyway":
        return HistoryError(
            f"Flyway left migration {name} half-applied: {history.table} has a failed row "
            "for it, so what of it ran is unknown.",
            f"Fix that with Flyway first: undo what {name} did, run 'flyway repair' (it "
            "removes the failed row) and 'flyway migrate', then adopt.",
        )
    return HistoryError(
        f"{history.tool} left migration {name} half-applied ({history.table}).",
        f"Fix that with {history.tool} first, then adopt.",
    )


def _no_file(history: ForeignHistory, version: str) -> HistoryError:
    what = (
        "no migration file has that version"
        if _key(version) is not None
        else "that is not a version number, so no migration file can have it"
    )
    return HistoryError(
        f"{history.table} ({history.tool}) says version {version} is applied, but {what}.",
        "Restore the file that was applied (for example from git), or use the migrations "
        "directory this database was migrated from: pgshift adopts a history only when "
        "every applied version has its file.",
    )


@dataclass(frozen=True, slots=True)
class _Revision:
    id: str
    parents: tuple[str, ...]
    path: Path
    runs_nothing: bool


def _alembic_files(
    history: ForeignHistory, versioned: Sequence[Migration], folder: Path
) -> list[Migration]:
    revisions = _revisions(folder)
    applied: list[_Revision] = []
    seen: set[str] = set()
    todo: list[tuple[str, _Revision | None]] = [(head, None) for head in history.versions]
    while todo:
        rev_id, child = todo.pop()
        if rev_id in seen:
            continue
        seen.add(rev_id)
        revision = revisions.get(rev_id)
        if revision is None:
            if child is None:
                raise HistoryError(
                    f"{history.table} says Alembic revision {rev_id} is applied, but no "
                    f"revision file in {folder} has it.",
                    "Pass the versions folder of the code that migrated this database (an "
                    "older checkout lacks newer revisions).",
                )
            raise DiscoveryError(
                f"{child.path}: its down_revision or depends_on names Alembic revision "
                f"{rev_id}, which no revision file in {folder} has.",
                "Restore the missing revision file (for example from git); pgshift follows "
                "revision ids only, so name the revision rather than a branch label.",
                path=child.path,
            )
        applied.append(revision)
        todo.extend((parent, revision) for parent in revision.parents)

    tagged: dict[str, list[Migration]] = {}
    for migration in versioned:
        tag = _alembic_tag(migration.path)
        if tag is not None:
            tagged.setdefault(tag, []).append(migration)
    chosen: dict[Path, Migration] = {}
    for revision in applied:
        files = tagged.get(revision.id) or [m for m in versioned if _names_revision(m, revision.id)]
        if len(files) > 1:
            names = ", ".join(m.name for m in files)
            raise HistoryError(
                f"Alembic revision {revision.id} maps to {len(files)} migration files: {names}.",
                "Keep the revision id in the name or the '-- alembic:' line of one file only.",
            )
        if files:
            chosen[files[0].path] = files[0]
        elif not revision.runs_nothing:
            raise HistoryError(
                f"{history.table} says Alembic revision {revision.id} ({revision.path.name}) "
                "is applied, but no migration file maps to it.",
                "Put the revision id in the name of the file that does what it did, or write "
                f"'-- alembic: {revision.id}' at the top of that file.",
            )
    return list(chosen.values())


def _alembic_tag(path: Path) -> str | None:
    for line in read_text(path).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith(("--", "#")):
            return None
        if match := _ALEMBIC_TAG.match(stripped):
            return match.group(1)
    return None


def _names_revision(migration: Migration, rev_id: str) -> bool:
    name = migration.path.parent.name if migration.layout == "folder" else migration.name
    # Bounded, so a short revision id such as "1" does not match inside "0001".
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(rev_id)}(?![0-9A-Za-z])", name) is not None


def _revisions(folder: Path) -> dict[str, _Revision]:
    if not folder.is_dir():
        raise DiscoveryError(
            f"Alembic versions folder {folder} does not exist.",
            "Pass the folder holding the revision .py files (usually alembic/versions).",
            path=folder,
        )
    found: dict[str, _Revision] = {}
    for path in sorted(folder.rglob("*.py")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        revision = _revision(path)
        if revision is None:
            continue
        if revision.id in found:
            raise DiscoveryError(
                f"two Alembic revision files have revision {revision.id}: "
                f"{found[revision.id].path} and {path}.",
                "Remove the stray copy.",
                path=path,
            )
        found[revision.id] = revision
    return found


def _revision(path: Path) -> _Revision | None:
    """The revision a file defines, read with ``ast``: never imported or run."""
    text = read_text(path)
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise DiscoveryError(
            f"{path}:{exc.lineno}: not valid Python ({exc.msg}).",
            "Fix the revision file.",
            path=path,
            line=exc.lineno,
        ) from exc
    values: dict[str, tuple[str, ...]] = {}
    runs_nothing = False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "upgrade":
            runs_nothing = all(_is_noop(statement) for statement in node.body)
            continue
        target, value = _assignment(node)
        if target is not None and target in _REVISION_FIELDS and value is not None:
            values[target] = _revision_ids(path, node.lineno, target, value)
    if "revision" not in values:
        return None
    if len(values["revision"]) != 1:
        raise DiscoveryError(
            f"{path}: revision must be one revision id.", "Write revision = '<id>'.", path=path
        )
    # depends_on too: Alembic applies a dependency before the revision that names it.
    parents = values.get("down_revision", ()) + values.get("depends_on", ())
    return _Revision(values["revision"][0], parents, path, runs_nothing)


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


def _revision_ids(path: Path, line: int, name: str, node: ast.expr) -> tuple[str, ...]:
    error = DiscoveryError(
        f"{path}:{line}: {name} is not a revision id, a tuple of them or None.",
        "pgshift reads revision files without running them: write the ids as literals.",
        path=path,
        line=line,
    )
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        raise error from None
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list) and all(isinstance(item, str) for item in value):
        return tuple(str(item) for item in value)
    raise error


def _is_noop(statement: ast.stmt) -> bool:
    # pass, a docstring or "...": an upgrade (typically a merge) that runs no SQL.
    return isinstance(statement, ast.Pass) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    )
