"""The data-loss gate of ``migrate``: which destructive findings would really lose data.

Replaying a project's history into an empty database drops what earlier files of
the same run created; a table (or a column of a table) that holds no rows loses
nothing when dropped. Such findings are not refused. The live database is asked,
and whatever does hold data is refused exactly as before (and, when allowed, backed
up right before its migration runs).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pgshift.migrations.tree import alter_commands, relation
from pgshift.safety.losses import Loss, has_data, losses, resolve

if TYPE_CHECKING:
    import psycopg

    from pgshift.lint.model import Finding
    from pgshift.migrations.migration import Migration
    from pgshift.migrations.statements import Statement

Key = tuple[str, str, str | None]  # (kind, name, column): names as written, unqualified


def _key(kind: str, name: str, column: str | None = None) -> Key:
    return kind, name.rpartition(".")[2], column


def _made(statement: Statement) -> tuple[list[Key], list[Key]]:
    """What a statement creates, and what it renames something into."""
    node, body = statement.node, statement.tree
    made: list[Key] = []
    renamed: list[Key] = []
    if node in ("CreateStmt", "CreateTableAsStmt"):
        target = body.get("relation") or (body.get("into") or {}).get("IntoClause", {}).get("rel")
        if target:
            made.append(_key("table", relation(target)))
    elif node == "CreateSchemaStmt" and body.get("schemaname"):
        made.append(_key("schema", str(body["schemaname"])))
    elif node == "AlterTableStmt":
        table = relation(body.get("relation"))
        for cmd in alter_commands(body):
            if cmd.get("subtype") == "AT_AddColumn":
                column = (cmd.get("def") or {}).get("ColumnDef", {}).get("colname")
                if column:
                    made.append(_key("column", table, str(column)))
    elif node == "RenameStmt" and body.get("newname"):
        if body.get("renameType") == "OBJECT_TABLE":
            renamed.append(_key("table", str(body["newname"])))
        elif body.get("renameType") == "OBJECT_COLUMN":
            renamed.append(_key("column", relation(body.get("relation")), str(body["newname"])))
        elif body.get("renameType") == "OBJECT_SCHEMA":
            renamed.append(_key("schema", str(body["newname"])))
    return made, renamed


class Creations:
    """What the statements of a run created (and renamed into), in the order they run."""

    def __init__(self) -> None:
        self._made: dict[Key, str] = {}
        self._renamed: set[Key] = set()

    def add(self, statement: Statement, by: str) -> None:
        """Record what ``statement`` (of migration ``by``) creates or renames."""
        created, moved = _made(statement)
        for key in created:
            self._made.setdefault(key, by)
        self._renamed.update(moved)

    def made_by(self, loss: Loss) -> str:
        """The migration of this run that created what ``loss`` destroys, or ""."""
        if self.moved(loss):
            return ""  # data moved under this name earlier in the run: judged at run time
        table = self._made.get(_key("table", loss.name), "") if loss.kind == "column" else ""
        return self._made.get(_key(loss.kind, loss.name, loss.column)) or table

    def moved(self, loss: Loss) -> bool:
        """Whether something was renamed into what ``loss`` names earlier in the run."""
        return _key(loss.kind, loss.name, loss.column) in self._renamed or (
            loss.kind == "column" and _key("table", loss.name) in self._renamed
        )


def _why_harmless(conn: psycopg.Connection[Any], loss: Loss, run: Creations) -> str:
    """Why ``loss`` loses nothing, or "" when it may lose data."""
    if run.moved(loss):
        return ""  # judged live, by the backup step, when it runs
    made = run.made_by(loss)
    if made:
        return f"{made} creates it earlier in this run"
    item = resolve(conn, loss, loss.what)
    if item is None:
        return "nothing of it exists yet"
    if loss.kind == "column" and item.kind == "table":
        item = replace(item, kind="column", column=loss.column)  # a table without a key
    if item.kind != "schema" and not has_data(conn, item):
        return f"{item.label} holds no data"
    return ""


def waive_harmless(
    conn: psycopg.Connection[Any],
    pending: Sequence[tuple[Migration, Sequence[Statement]]],
    errors: Sequence[Finding],
) -> tuple[list[Finding], list[str]]:
    """Split error-level findings into those still refused and notes for the ones that
    lose nothing: a destructive statement whose every loss is of something created
    earlier in the same run, absent, or empty."""
    by_path: dict[str, list[Finding]] = {}
    for finding in errors:
        by_path.setdefault(finding.path, []).append(finding)
    waived: set[int] = set()
    notes: list[str] = []
    run = Creations()
    for migration, statements in pending:
        path = str(migration.up.path) if migration.up is not None else str(migration.path)
        at: dict[int, list[Finding]] = {}  # statement index -> its findings
        lines = [s.line for s in statements]
        for finding in by_path.get(path, ()):
            index = bisect.bisect_right(lines, finding.line) - 1
            if index >= 0:
                at.setdefault(index, []).append(finding)
        for index, statement in enumerate(statements):
            here = at.get(index)
            found_losses = losses((statement,)) if here else ()
            if here and found_losses:
                reasons = [_why_harmless(conn, loss, run) for loss in found_losses]
                if all(reasons):
                    for finding in here:
                        waived.add(id(finding))
                        notes.append(
                            f"{finding.path}:{finding.line}: [{finding.rule}] loses nothing "
                            f"({'; '.join(dict.fromkeys(reasons))}): not refused"
                        )
            run.add(statement, migration.name)
    return [f for f in errors if id(f) not in waived], notes
