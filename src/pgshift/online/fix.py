"""``pgshift fix``: unsafe migration SQL rewritten into its safe equivalent.

A migration is rewritten statement by statement into a sequence of *parts*, each
a migration of its own: transactional parts for quick changes, no-transaction
parts for what must run outside a transaction (``CREATE INDEX CONCURRENTLY``,
batched backfills), and a new transactional part wherever a step must commit
before the next (``VALIDATE CONSTRAINT`` after ``ADD ... NOT VALID``). Statements
that need no change keep their text; changed ones are rebuilt from PostgreSQL's
own parse tree (pglast) and printed by its deparser. The end state of the schema
is the one the original would have made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgshift.lint.context import Stmt as LintStmt
from pgshift.lint.context import bare, strong_locks
from pgshift.migrations.tree import find, function_names, relation, strings
from pgshift.online.fix_steps import NEW, OUTSIDE, SAME, Step, backfill, deparse, parse, quote

if TYPE_CHECKING:
    from pathlib import Path

    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.statements import Statement
    from pgshift.schema.model import Schema

LOCK_TIMEOUT = "2s"
PARALLEL_OFF = "SET max_parallel_maintenance_workers = 0"
_BUILDS_INDEX = re.compile(
    r"\s*(CREATE\s+(UNIQUE\s+)?INDEX|REINDEX)\b.*\bCONCURRENTLY\b", re.I | re.S
)
STATEMENT_TIMEOUT = "1min"


@dataclass
class Part:
    """One migration of the rewrite."""

    transactional: bool
    statements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why the part exists, as comments
    locks: bool = False  # takes strong locks on existing tables: gets a lock_timeout

    def render(self, header: list[str]) -> str:
        """The part as a migration file."""
        lines: list[str] = []
        if not self.transactional:
            lines.append("-- pgshift:no-transaction")
        elif self.locks:
            lines.append(f"-- pgshift:lock-timeout {LOCK_TIMEOUT}")
            if not any("VALIDATE CONSTRAINT" in s for s in self.statements):
                # not for a validation: long by nature, and it lets writes go on
                lines.append(f"-- pgshift:statement-timeout {STATEMENT_TIMEOUT}")
        lines += header + [f"-- {note}" for note in self.notes]
        statements = list(self.statements)
        if not self.transactional and any(_BUILDS_INDEX.match(s) for s in statements):
            # A parallel build takes cores from the application, which an online change
            # is meant to spare (on 2 cores, a write's p99 went from 20 to 60 ms). One
            # core builds it; remove the line where cores are plenty.
            lines.append("-- one core for the build, the others for the application")
            statements.insert(0, PARALLEL_OFF)
        body = "\n".join(s.rstrip().rstrip(";") + ";" for s in statements)
        return "\n".join(lines) + ("\n" if lines else "") + body + "\n"


@dataclass
class Rewrite:
    """The parts of a rewritten migration, in order, and what was changed."""

    parts: list[Part]
    changes: list[str]
    left: list[str] = field(default_factory=list)  # unsafe statements kept as they are, and why

    @property
    def changed(self) -> bool:
        """Whether anything was rewritten."""
        return bool(self.changes)


def _not_volatile() -> frozenset[str]:
    from pgshift.lint.rules.add_column_volatile_default import NOT_VOLATILE

    return NOT_VOLATILE


class _Builder:
    """Collects the parts: statements go into the current part, or start a new one."""

    def __init__(self, schema: Callable[[], Schema | None] | None = None) -> None:
        self.parts: list[Part] = []
        self.changes: list[str] = []
        self.left: list[str] = []
        self.created: set[str] = set()
        self.ddl = False  # the migration locks existing tables strongly
        self._load = schema
        self._schema: Schema | None = None
        self._loaded = False

    def schema(self) -> Schema | None:
        """The live schema, read once on first need (None without a database)."""
        if not self._loaded:
            self._schema = self._load() if self._load else None
            self._loaded = True
        return self._schema

    def add(
        self,
        sql: str,
        *,
        transactional: bool = True,
        new: bool = False,
        locks: bool = False,
        note: str | None = None,
    ) -> None:
        last = self.parts[-1] if self.parts else None
        if last is None or new or not transactional or not last.transactional:
            last = Part(transactional)
            self.parts.append(last)
        last.statements.append(sql)
        last.locks = last.locks or locks
        if note:
            last.notes.append(note)

    def existing(self, table: str) -> bool:
        return table not in self.created and bare(table) not in self.created


def rewrite(
    migration: Migration,
    statements: tuple[Statement, ...],
    schema: Callable[[], Schema | None] | None = None,
) -> Rewrite:
    """The safe rewrite of a transactional SQL migration's up part.

    ``schema`` reads the live schema (the database before this migration) for the
    rewrites that need it: a column type change."""
    out = _Builder(schema)
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
            handled = _fix_concurrently(statement, out)
        else:
            handled = _fix(statement, table, out) if table and out.existing(table) else False
        if not handled:
            out.add(statement.sql, locks=locks)
    return Rewrite(out.parts, out.changes, out.left)


def _fix(statement: Statement, table: str, out: _Builder) -> bool:
    """Rewrite one statement into ``out``; False when it needs no rewrite."""
    node = statement.node
    if node == "IndexStmt" and not statement.tree.get("concurrent"):
        tree = parse(statement.sql)
        tree.concurrent = True
        if not tree.idxname:
            return False  # a name is needed to check and retry the build: lint says so
        out.add(
            deparse(tree),
            transactional=False,
            note="built without blocking writes; pgshift checks it is valid",
        )
        out.changes.append(f"line {statement.line}: CREATE INDEX -> CONCURRENTLY, on its own")
        return True
    if node == "AlterTableStmt":
        return _fix_alter(statement, table, out)
    if node == "UpdateStmt":
        return _fix_update(statement, table, out)
    return False


def _fix_update(statement: Statement, table: str, out: _Builder) -> bool:
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
        n not in _not_volatile() for n in function_names(targets)
    ):
        # rows already holding the new values are skipped: a rerun after a crash resumes
        listed = ", ".join(quote(n) for n in names)
        pending.append(f"ROW({listed}) IS DISTINCT FROM ROW({', '.join(values)})")
    out.add(
        backfill(table, _quoted(table), ", ".join(assignments), " AND ".join(pending) or "true"),
        transactional=False,
        note="the rows changed in short batches, each committed",
    )
    out.changes.append(f"line {statement.line}: UPDATE -> batches, each committed")
    return True


def _fix_concurrently(statement: Statement, out: _Builder) -> bool:
    """DROP INDEX and REINDEX, each index on its own, CONCURRENTLY, outside a transaction."""
    tree = statement.tree
    if statement.node == "DropStmt":
        if tree.get("removeType") != "OBJECT_INDEX" or tree.get("concurrent"):
            return False
        names = [".".join(strings(o.get("List", {}).get("items"))) for o in tree["objects"]]
        created = {s for part in out.parts for s in part.statements if "CREATE" in s}
        if any(name in text for name in names for text in created):
            return False  # an index of this very migration: nothing to protect yet
        for name in names:
            out.add(f"DROP INDEX CONCURRENTLY IF EXISTS {name}", transactional=False)
        out.changes.append(f"line {statement.line}: DROP INDEX -> CONCURRENTLY, on its own")
        return True
    options = {p.get("DefElem", {}).get("defname") for p in tree.get("params") or ()}
    if "concurrently" in options or tree.get("kind") not in (
        "REINDEX_OBJECT_TABLE",
        "REINDEX_OBJECT_INDEX",
    ):
        return False
    kind = "TABLE" if tree["kind"] == "REINDEX_OBJECT_TABLE" else "INDEX"
    target = relation(tree.get("relation"))
    out.add(f"REINDEX {kind} CONCURRENTLY {target}", transactional=False)
    out.changes.append(f"line {statement.line}: REINDEX -> CONCURRENTLY, on its own")
    return True


def _fix_alter(statement: Statement, table: str, out: _Builder) -> bool:
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
            steps = _fix_column(table, definition, out)
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
            from pgshift.online.fix_type import type_change_steps

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


def _fix_column(table: str, column: Any, out: _Builder) -> list[Step]:
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
        fill = backfill(table, _quoted(table), f"{col} = DEFAULT", f"{col} IS NULL")
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


def _quoted(table: str) -> str:
    from pgshift.schema.dump import ident

    return ident(*table.split("."))


def _volatile(expr: Any) -> bool:
    from pgshift.migrations.tree import function_names

    if expr is None:
        return False
    names = function_names(_to_json(expr))
    return any(n not in _not_volatile() for n in names)


def _to_json(node: Any) -> Any:
    import json

    from pglast import parser

    return json.loads(parser.parse_sql_json(f"SELECT {deparse(node)}"))


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
