"""ALTER TABLE rewritten for ``pgshift fix``: what would lock a table long, split into steps.

Foreign keys and checks are added NOT VALID and validated later; unique and
primary keys take over an index built concurrently; SET NOT NULL goes through a
validated check; ADD COLUMN with a volatile default gets the default and a
batched backfill after it; a type change that rewrites the table is done online
(:mod:`pgshift.online.fix.type_change`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pgshift.lint.context import bare
from pgshift.migrations.tree import function_names
from pgshift.online.fix.steps import (
    NEW,
    OUTSIDE,
    SAME,
    Step,
    backfill,
    deparse,
    not_volatile,
    parse,
    qualified,
    quote,
)

if TYPE_CHECKING:
    from pgshift.migrations.statements import Statement
    from pgshift.online.fix.parts import Builder


def fix_alter(statement: Statement, table: str, out: Builder) -> bool:
    """Rewrite an ALTER TABLE into ``out``; False when none of its commands needs it."""
    from pgshift.lint.rules.change_column_type import rewrites
    from pgshift.lint.rules.narrowing_type_change import narrowing

    tree = parse(statement.sql)
    fixed = False
    later: list[Step] = []  # what comes after this ALTER
    keep = []
    for cmd, raw in zip(tree.cmds, statement.tree.get("cmds") or (), strict=True):
        sub = cmd.subtype.name
        definition = cmd.def_
        kind = definition.contype.name if sub == "AT_AddConstraint" else ""
        if kind in ("CONSTR_FOREIGN", "CONSTR_CHECK"):
            if definition.skip_validation:
                keep.append(cmd)
                continue
            name = definition.conname or _default_name(table, definition)
            definition.conname = name
            definition.skip_validation = True
            definition.initially_valid = False
            keep.append(cmd)
            later.append(
                Step(
                    f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(name)}",
                    NEW,
                    "validated in a transaction of its own: reads and writes go on",
                )
            )
            out.changes.append(f"line {statement.line}: {name} -> NOT VALID, then VALIDATE")
            fixed = True
        elif kind in ("CONSTR_UNIQUE", "CONSTR_PRIMARY") and not definition.indexname:
            columns = [k.sval for k in definition.keys]
            primary = definition.contype.name == "CONSTR_PRIMARY"
            name = definition.conname or (
                f"{bare(table)}_pkey" if primary else f"{bare(table)}_{'_'.join(columns)}_key"
            )
            later += _unique_steps(table, name, columns, primary)
            out.changes.append(f"line {statement.line}: {name} -> unique index built concurrently")
            fixed = True
        elif sub == "AT_AddColumn":
            steps = _fix_column(table, definition)
            keep.append(cmd)
            later += steps
            fixed = fixed or bool(steps)
            if steps:
                out.changes.append(f"line {statement.line}: ADD COLUMN {definition.colname} split")
        elif sub == "AT_AlterColumnType" and narrowing(
            (raw["AlterTableCmd"].get("def") or {}).get("ColumnDef", {})
        ):
            keep.append(cmd)
            out.left.append(
                f"line {statement.line}: TYPE change of {cmd.name} left as it is: it may change "
                "or reject values, and an online copy failing midway would fail writes"
            )
        elif sub == "AT_AlterColumnType" and rewrites(raw.get("AlterTableCmd", {})):
            from pgshift.online.fix.type_change import type_change_steps

            steps_or_reason = type_change_steps(out.schema(), table, cmd)
            if isinstance(steps_or_reason, str):
                keep.append(cmd)
                out.left.append(
                    f"line {statement.line}: TYPE change of {cmd.name} left as it is: "
                    f"{steps_or_reason}"
                )
                continue
            steps, summary = steps_or_reason
            later += steps
            out.changes.append(f"line {statement.line}: {summary}")
            fixed = True
        elif sub == "AT_SetNotNull":
            later += _not_null_steps(table, cmd.name)
            out.changes.append(f"line {statement.line}: SET NOT NULL -> checked first")
            fixed = True
        else:
            keep.append(cmd)
    if not fixed:
        return False
    if keep:
        tree.cmds = tuple(keep)
        out.add(deparse(tree), locks=True)
    for step in later:
        out.add(
            step.sql,
            transactional=step.mode != OUTSIDE,
            new=step.mode == NEW,
            locks=step.mode != OUTSIDE,
            note=step.note or None,
        )
    return True


def _default_name(table: str, constraint: Any) -> str:
    """The name PostgreSQL would give the constraint (so the end state is the same)."""
    if constraint.contype.name == "CONSTR_FOREIGN":
        joined = "_".join(a.sval for a in constraint.fk_attrs)
        return f"{bare(table)}_{joined}_fkey"[:63]
    # the first column the expression names, as the server picks it
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", deparse(constraint.raw_expr))
    return f"{bare(table)}_{words[0]}_check"[:63] if words else f"{bare(table)}_check"


def _unique_steps(table: str, name: str, columns: list[str], primary: bool) -> list[Step]:
    listed = ", ".join(quote(c) for c in columns)
    kind = "PRIMARY KEY" if primary else "UNIQUE"
    return [
        Step(
            f"CREATE UNIQUE INDEX CONCURRENTLY {quote(name)} ON {table} ({listed})",
            OUTSIDE,
            "the unique index, built without blocking reads or writes",
        ),
        Step(
            f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {kind} USING INDEX {quote(name)}",
            NEW,
            "the constraint takes over the index: instant",
        ),
    ]


def _not_null_steps(table: str, column: str) -> list[Step]:
    check = quote(f"{bare(table)}_{column}_not_null"[:63])
    col = quote(column)
    return [
        Step(
            f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID",
            NEW,
            "NOT NULL, first as a check that new rows obey: instant",
        ),
        Step(
            f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}",
            NEW,
            "the old rows are checked while reads and writes go on; then NOT NULL needs no "
            "scan, the validated check proves it",
        ),
        Step(f"-- pgshift:allow set-not-null\nALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL"),
        Step(
            "-- pgshift:allow drop-constraint (the helper check; NOT NULL now says the same)\n"
            f"ALTER TABLE {table} DROP CONSTRAINT {check}"
        ),
    ]


def _fix_column(table: str, column: Any) -> list[Step]:
    """Strip what makes ADD COLUMN slow from ``column`` (in place); the steps after it."""
    steps: list[Step] = []
    name = column.colname
    kept = []
    default = None
    not_null = False
    for constraint in column.constraints or ():
        kind = constraint.contype.name
        if kind == "CONSTR_UNIQUE" and not constraint.indexname:
            unique = constraint.conname or f"{bare(table)}_{name}_key"
            steps += _unique_steps(table, unique, [name], primary=False)
        elif kind == "CONSTR_DEFAULT" and _volatile(constraint.raw_expr):
            default = deparse(constraint.raw_expr)
        elif kind == "CONSTR_NOTNULL" and default is not None:
            not_null = True
        else:
            kept.append(constraint)
    if default is not None and any(c.contype.name == "CONSTR_NOTNULL" for c in kept):
        kept = [c for c in kept if c.contype.name != "CONSTR_NOTNULL"]
        not_null = True
    if not steps and default is None:
        return []
    column.constraints = tuple(kept) or None
    if default is not None:
        col = quote(name)
        fill = backfill(table, qualified(table), f"{col} = DEFAULT", f"{col} IS NULL")
        before = [
            Step(
                f"ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {default}",
                SAME,
                "new rows get the default from now on",
            ),
            Step(fill, OUTSIDE, "existing rows filled in short committed batches"),
        ]
        steps = before + (_not_null_steps(table, name) if not_null else []) + steps
    return steps


def _volatile(expr: Any) -> bool:
    if expr is None:
        return False
    names = function_names(_to_json(expr))
    return any(n not in not_volatile() for n in names)


def _to_json(node: Any) -> Any:
    import json

    from pglast import parser

    return json.loads(parser.parse_sql_json(f"SELECT {deparse(node)}"))
