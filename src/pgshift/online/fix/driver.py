"""Drives the rewrite statement by statement and places the parts in files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pgshift.lint.context import Stmt as LintStmt
from pgshift.lint.context import bare, strong_locks
from pgshift.migrations.tree import relation
from pgshift.online.fix.alter import fix_alter
from pgshift.online.fix.index import fix_concurrently, fix_create_index
from pgshift.online.fix.parts import Builder, Part, Rewrite
from pgshift.online.fix.update import fix_update

if TYPE_CHECKING:
    from pathlib import Path

    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.statements import Statement
    from pgshift.schema.model import Schema

__all__ = ["Part", "Rewrite", "header_comments", "plan_files", "rewrite", "rewrite_file"]


def rewrite(
    migration: Migration,
    statements: tuple[Statement, ...],
    schema: Callable[[], Schema | None] | None = None,
) -> Rewrite:
    """The safe rewrite of a transactional SQL migration's up part.

    ``schema`` reads the live schema (the database before this migration) for the
    rewrites that need it: a column type change."""
    out = Builder(schema)
    created = {
        relation(s.tree.get("relation")) for s in statements if s.node == "CreateStmt" and s.tree
    }
    # a data change shares its transaction with a schema change: it is split off
    out.ddl = any(
        t and t not in created and bare(t) not in created
        for s in statements
        for t in strong_locks(LintStmt(s.node, s.tree, s.sql, s.line, 0))
    )
    for statement in statements:
        stmt = LintStmt(statement.node, statement.tree, statement.sql, statement.line, 0)
        table = relation(statement.tree.get("relation")) if statement.tree else ""
        if statement.node == "CreateStmt":
            out.created.update({table, bare(table)})
        locks = any(t and out.existing(t) for t in strong_locks(stmt))
        if statement.node in ("DropStmt", "ReindexStmt"):
            handled = fix_concurrently(statement, out)
        else:
            handled = _fix(statement, table, out) if table and out.existing(table) else False
        if not handled:
            out.add(statement.sql, locks=locks)
    return Rewrite(out.parts, out.changes, out.left)


def _fix(statement: Statement, table: str, out: Builder) -> bool:
    """Rewrite one statement into ``out``; False when it needs no rewrite."""
    node = statement.node
    if node == "IndexStmt" and not statement.tree.get("concurrent"):
        return fix_create_index(statement, out)
    if node == "AlterTableStmt":
        return fix_alter(statement, table, out)
    if node == "UpdateStmt":
        return fix_update(statement, table, out)
    return False


def rewrite_file(
    path: Path, schema: Callable[[], Schema | None] | None = None
) -> tuple[Migration, Rewrite]:
    """Read ``path`` as a migration and rewrite it (``SqlError`` if it does not parse)."""
    from pgshift.migrations.discovery import sql_file
    from pgshift.migrations.statements import split

    migration = sql_file(path)
    if migration.up is None or not migration.directives.transaction:
        return migration, Rewrite([], [])
    return migration, rewrite(migration, split(migration.up), schema)


def header_comments(migration: Migration) -> list[str]:
    """The comment lines at the top of the file (directives aside), kept in the first part."""
    lines = []
    for line in (migration.up.sql if migration.up else "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        if "pgshift:" not in stripped:
            lines.append(stripped)
    return lines


def plan_files(path: Path, migration: Migration, result: Rewrite) -> list[tuple[Path, str]]:
    """Where each part goes: the file itself, then new migrations right after it.

    Refused (``PgshiftError``) when the file has a down part, or is not the newest
    migration of its folder (the new parts would need versions in between).
    """
    from pgshift.errors import PgshiftError

    if migration.down is not None:
        raise PgshiftError(
            f"{path}: has a down part, which the split parts cannot share.",
            "Run 'pgshift fix' without --write and arrange the down parts by hand.",
        )
    match = re.match(r"^(\d+)_(.+)\.sql$", path.name)
    if match is None:
        raise PgshiftError(
            f"{path}: not named as a versioned migration (<version>_<slug>.sql).",
            "Run 'pgshift fix' without --write to print the parts.",
        )
    version, slug = match.group(1), match.group(2)
    newer = [
        p.name
        for p in path.parent.iterdir()
        if (m := re.match(r"^(\d+)", p.name)) and int(m.group(1)) > int(version)
    ]
    if newer and len(result.parts) > 1:
        raise PgshiftError(
            f"{path}: {sorted(newer)[0]} comes after it, so the parts have no versions to take.",
            "Fix the newest migration, or run without --write and place the parts by hand.",
        )
    files = []
    header = header_comments(migration)
    for index, part in enumerate(result.parts):
        name = (
            path
            if index == 0
            else path.with_name(
                f"{str(int(version) + index).zfill(len(version))}_{slug}_{index + 1}.sql"
            )
        )
        files.append((name, part.render(header if index == 0 else [])))
    return files
