"""What is known of the schema before a file runs: from the live database (when linting
with a connection) and from the earlier files of the same run.

Some findings depend on what is already there: ``ALTER COLUMN ... TYPE varchar(200)``
narrows a ``varchar(300)`` column but widens a ``varchar(100)`` one, and ``SET NOT
NULL`` scans the table unless a validated ``CHECK (c IS NOT NULL)`` proves it
(PostgreSQL 12 and later). Rules ask :class:`~pgshift.lint.context.Context` for these
facts, which come from here; unknown is ``None``, and a rule then judges as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgshift.migrations.tree import (
    Node,
    added_constraints,
    alter_commands,
    altered_table,
    commands_of,
    defined_columns,
    relation,
    strings,
    type_mods,
    type_name,
    unwrap,
)

if TYPE_CHECKING:
    import psycopg

    from pgshift.migrations.migration import Migration
    from pgshift.migrations.statements import Statement

# the statement types whose trees these facts are learned from
LEARNED = frozenset({"CreateStmt", "AlterTableStmt"})
# (type name as pg_type names it, its modifiers): ("varchar", (100,)), ("numeric", (10, 2))
ColumnType = tuple[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Known:
    """Facts about tables, keyed by ``schema.table`` and by the bare table name."""

    columns: Mapping[str, Mapping[str, ColumnType]] = field(default_factory=dict)
    # (table, column) that a validated CHECK (column IS NOT NULL) proves
    not_null_checks: frozenset[tuple[str, str]] = frozenset()
    # such checks still NOT VALID, by (table, constraint): the column a VALIDATE proves
    not_valid_checks: Mapping[tuple[str, str], str] = field(default_factory=dict)

    # a Known serves as a learner's base too (the live database, for one file)
    def column_type(self, table: str, column: str) -> ColumnType | None:
        """The column's type, when known."""
        for key in _keys(table):
            found = self.columns.get(key, {}).get(column)
            if found is not None:
                return found
        return None

    def proves_not_null(self, table: str, column: str) -> bool:
        """Whether a validated check constraint already proves the column is never null."""
        return any((key, column) in self.not_null_checks for key in _keys(table))

    def _pending_view(self, key: tuple[str, str]) -> str | None:
        return self.not_valid_checks.get(key)


def _keys(table: str) -> tuple[str, ...]:
    bare = table.rsplit(".", 1)[-1]
    return (table, bare) if bare != table else (table, f"public.{table}")


_CATALOG = """
SELECT n.nspname, c.relname, a.attname, t.typname, a.atttypmod
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
"""

_CHECKS = """
SELECT n.nspname, c.relname, k.conname, k.convalidated, pg_get_constraintdef(k.oid)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'c'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
"""


def _mods(typname: str, typmod: int) -> tuple[int, ...]:
    """A column's modifiers from ``atttypmod``, as they are written in SQL (an array's are
    its element's: ``_varchar`` is ``varchar[]``)."""
    if typmod < 0:
        return ()
    typname = typname.removeprefix("_")
    if typname in ("varchar", "bpchar", "bit", "varbit"):
        return (typmod - 4,) if typname in ("varchar", "bpchar") else (typmod,)
    if typname == "numeric":
        value = typmod - 4
        return ((value >> 16) & 0xFFFF, value & 0xFFFF)
    return (typmod,)


def from_database(conn: psycopg.Connection[Any]) -> Known:
    """The columns and the validated not-null checks of the database's user tables."""
    from pgshift.migrations.statements import parse_tree

    columns: dict[str, dict[str, ColumnType]] = {}
    for schema, table, column, typname, typmod in conn.execute(_CATALOG).fetchall():
        kind = (typname, _mods(typname, typmod))
        columns.setdefault(f"{schema}.{table}", {})[column] = kind
        if schema == "public":
            columns.setdefault(table, {})[column] = kind
    proven: set[tuple[str, str]] = set()
    pending: dict[tuple[str, str], str] = {}
    for schema, table, name, valid, definition in conn.execute(_CHECKS).fetchall():
        try:
            # "CHECK ((c IS NOT NULL)) NOT VALID": the expression alone
            expression = definition.removeprefix("CHECK ").removesuffix(" NOT VALID")
            tree = parse_tree(f"SELECT 1 WHERE {expression}")
        except Exception:  # noqa: S112 - a definition the parser cannot read proves nothing
            continue
        column = _not_null_column(tree.get("whereClause"))
        if not column:
            continue
        for key in (f"{schema}.{table}", table) if schema == "public" else (f"{schema}.{table}",):
            if valid:
                proven.add((key, column))
            else:
                pending[(key, name)] = column
    return Known(columns, frozenset(proven), pending)


def _not_null_column(expr: Node | None) -> str | None:
    """``c IS NOT NULL`` (alone, in parentheses) names ``c``; anything else proves nothing."""
    if not expr:
        return None
    kind, body = unwrap(expr)
    if kind != "NullTest" or body.get("nulltesttype") != "IS_NOT_NULL":
        return None
    arg = body.get("arg") or {}
    fields = strings(arg.get("ColumnRef", {}).get("fields"))
    return fields[-1] if len(fields) == 1 else None


@dataclass
class Learner:
    """Reads a run's files in order and adds what each leaves behind to the facts.

    A learner may sit on a ``base`` (the live database, the earlier files): it asks the
    base what it has not learned itself, so nothing is copied from file to file."""

    # a column's type; None: dropped here, whatever the base says
    columns: dict[str, dict[str, ColumnType | None]] = field(default_factory=dict)
    not_null_checks: set[tuple[str, str]] = field(default_factory=set)
    # checks added NOT VALID, by (table, constraint name): the column they would prove
    pending: dict[tuple[str, str], str] = field(default_factory=dict)
    base: Learner | Known | None = None

    @classmethod
    def starting_from(cls, known: Known | None) -> Learner:
        """A learner that knows ``known`` already (the live database)."""
        learner = cls()
        if known is not None:
            learner.columns = {t: dict(c) for t, c in known.columns.items()}
            learner.not_null_checks = set(known.not_null_checks)
            learner.pending = dict(known.not_valid_checks)
        return learner

    def column_type(self, table: str, column: str) -> ColumnType | None:
        """The column's type, when known."""
        for key in _keys(table):
            mine = self.columns.get(key)
            if mine is not None and column in mine:
                return mine[column]
        return self.base.column_type(table, column) if self.base is not None else None

    def proves_not_null(self, table: str, column: str) -> bool:
        """Whether a validated check constraint already proves the column is never null."""
        if any((key, column) in self.not_null_checks for key in _keys(table)):
            return True
        return self.base is not None and self.base.proves_not_null(table, column)

    def _pending(self, key: tuple[str, str]) -> str | None:
        found = self.pending.pop(key, None)
        if found is None and self.base is not None:
            found = self.base._pending_view(key)
        return found

    def _pending_view(self, key: tuple[str, str]) -> str | None:
        found = self.pending.get(key)
        if found is None and self.base is not None:
            return self.base._pending_view(key)
        return found

    def known(self) -> Known:
        """What is known now, as one value (the base's facts included)."""
        base = self.base if isinstance(self.base, Known) else Known()
        if isinstance(self.base, Learner):
            base = self.base.known()
        columns: dict[str, dict[str, ColumnType]] = {t: dict(c) for t, c in base.columns.items()}
        for table, found in self.columns.items():
            for column, kind in found.items():
                if kind is None:
                    columns.get(table, {}).pop(column, None)
                else:
                    columns.setdefault(table, {})[column] = kind
        return Known(
            columns,
            base.not_null_checks | frozenset(self.not_null_checks),
            {**base.not_valid_checks, **self.pending},
        )

    def learn(self, statements: Iterable[Statement]) -> None:
        """What a file's statements leave behind (only what these facts track)."""
        for statement in statements:
            self.learn_one(statement.node, statement.tree)

    def learn_one(self, node: str, body: Node) -> None:
        """What one statement (its type and parse tree) leaves behind."""
        table = relation(body.get("relation")) if node == "CreateStmt" else None
        table = table or altered_table(node, body)
        if not table:
            return
        for column, definition in defined_columns(node, body):
            kind = definition.get("typeName")
            if kind:
                self.columns.setdefault(table, {})[column] = (
                    type_name(kind),
                    tuple(type_mods(kind)),
                )
        if node == "CreateStmt":
            constraints = [
                e["Constraint"] for e in body.get("tableElts") or () if "Constraint" in e
            ]
        else:
            constraints = added_constraints(body)
            for cmd in commands_of(body, "AT_ValidateConstraint"):
                proven = self._pending((table, cmd.get("name", "")))
                if proven:
                    self.not_null_checks.add((table, proven))
            for cmd in alter_commands(body):
                if cmd.get("subtype") == "AT_DropColumn":
                    self.columns.setdefault(table, {})[cmd.get("name", "")] = None
        for constraint in constraints:
            if constraint.get("contype") != "CONSTR_CHECK":
                continue
            checked = _not_null_column(constraint.get("raw_expr"))
            if not checked:
                continue
            if constraint.get("skip_validation"):
                self.pending[(table, constraint.get("conname", ""))] = checked
            else:
                self.not_null_checks.add((table, checked))


class RunFacts:
    """What each file of a lint run may know: the live database, then the files before it.

    A file linted in this run is learned from the statements its lint parsed; a file
    that was not (its findings came from the cache) is read only when a rule asks."""

    def __init__(self, migrations: Sequence[Migration], known: Known | None) -> None:
        self.migrations = migrations
        self.learner = Learner.starting_from(known)
        self.learned = 0

    def linted(self, index: int, statements: Sequence[Statement]) -> None:
        """Learn the file at ``index`` from the statements it was linted with, while they
        are at hand (a file's trees are not all kept: holding them would cost memory)."""
        if index == self.learned:
            self.learned += 1
            self._learn(statements)

    def _learn(self, statements: Sequence[Statement]) -> None:
        for statement in statements:
            if statement.node in LEARNED:
                self.learner.learn_one(statement.node, statement.tree)

    def before(self, index: int) -> Callable[[], Learner | None]:
        """What is known before the file at ``index`` of the run."""

        def known() -> Learner | None:
            from pgshift.errors import SqlError
            from pgshift.migrations.statements import split

            while self.learned < index:
                migration = self.migrations[self.learned]
                self.learned += 1
                if migration.up is None or migration.language != "sql":
                    continue
                with contextlib.suppress(SqlError):  # a broken file is reported alone
                    self._learn(split(migration.up))
            return self.learner

        return known
