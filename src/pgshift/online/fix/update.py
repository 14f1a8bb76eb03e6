"""An UPDATE rewritten for ``pgshift fix``: the rows changed in batches, each committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgshift.migrations.tree import find, function_names, strings
from pgshift.online.fix.steps import backfill, deparse, not_volatile, parse, qualified, quote

if TYPE_CHECKING:
    from pgshift.migrations.statements import Statement
    from pgshift.online.fix.parts import Builder


def fix_update(statement: Statement, table: str, out: Builder) -> bool:
    """An UPDATE of every row, or beside a schema change: batches, each committed."""
    from pglast import ast

    tree = parse(statement.sql)
    where = tree.whereClause
    unbounded = where is None or (
        isinstance(where, ast.A_Const) and isinstance(where.val, ast.Boolean) and where.val.boolval
    )
    if not (unbounded or out.ddl):
        return False
    returning = getattr(tree, "returningClause", None) or getattr(tree, "returningList", None)
    if returning or tree.fromClause or tree.withClause:
        out.left.append(f"line {statement.line}: UPDATE left as it is: RETURNING, FROM or WITH")
        return False
    names, values, assignments = [], [], []
    for target in tree.targetList:
        if target.indirection or isinstance(target.val, ast.MultiAssignRef):
            out.left.append(f"line {statement.line}: UPDATE left as it is: a compound SET")
            return False
        value = "DEFAULT" if isinstance(target.val, ast.SetToDefault) else deparse(target.val)
        names.append(target.name)
        values.append(value)
        assignments.append(f"{quote(target.name)} = {value}")
    targets = statement.tree.get("targetList")
    refs = {f[-1] for ref in find(targets, "ColumnRef") if (f := strings(ref.get("fields")))}
    if refs & set(names):
        out.left.append(
            f"line {statement.line}: UPDATE left as it is: it reads a column it sets, so a "
            "batch done again after a crash would change its rows twice"
        )
        return False
    pending = [] if unbounded else [f"({deparse(where)})"]
    if "DEFAULT" not in values and not any(
        n not in not_volatile() for n in function_names(targets)
    ):
        # rows already holding the new values are skipped: a rerun after a crash resumes
        listed = ", ".join(quote(n) for n in names)
        pending.append(f"ROW({listed}) IS DISTINCT FROM ROW({', '.join(values)})")
    out.add(
        backfill(table, qualified(table), ", ".join(assignments), " AND ".join(pending) or "true"),
        transactional=False,
        note="the rows changed in short batches, each committed",
    )
    out.changes.append(f"line {statement.line}: UPDATE -> batches, each committed")
    return True
