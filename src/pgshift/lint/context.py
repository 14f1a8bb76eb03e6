"""What a rule may know of a statement and of the migration around it.

The engine walks a file's statements in order and keeps, in one :class:`Context`,
what the statements before the current one did: tables created, settings made,
locks taken, constraints added NOT VALID, enum values added. Rules read it; only
the engine writes it, after every rule has seen the statement.

What a rule needs of the other statements of the file (indexes created earlier,
views created later, ...) it asks of :meth:`Context.where` and :meth:`Context.by`,
which look at each statement once per file: scanning the statements before or
after the current one at every statement would make lint quadratic in the file.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pgshift.lint.known import LEARNED
from pgshift.migrations.tree import Node, alter_commands, relation, strings, unwrap

if TYPE_CHECKING:
    from pgshift.lint.known import ColumnType, Learner
    from pgshift.migrations.statements import Statement

# Statement types that change data rather than the schema.
DML = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "CopyStmt"})


@dataclass(frozen=True, slots=True)
class Stmt:
    """One parsed statement: its type, its parse tree and where it is."""

    node: str  # "AlterTableStmt", ...
    parsed: Node | None  # the parse tree, when at hand; else ``source`` parses it on demand
    sql: str
    line: int
    index: int  # its position in the file, from 0
    source: Statement | None = field(default=None, compare=False, repr=False)

    @property
    def body(self) -> Node:
        """The parse tree. A big file's trees are not all kept (each is some fifty times
        its text): a rule that looks at one has it parsed again, and it is let go after."""
        if self.parsed is not None:
            return self.parsed
        return self.source.tree if self.source is not None else {}

    @property
    def first_line(self) -> str:
        """The statement's first line of text."""
        end = self.sql.find("\n")  # not split(): that would copy the rest of a long one
        return (self.sql if end < 0 else self.sql[:end]).strip()


def bare(name: str) -> str:
    """``schema.table`` -> ``table``."""
    return name.rsplit(".", 1)[-1]


Test = Callable[["Stmt", "Context"], bool]
Keys = Callable[["Stmt"], Iterable[str]]


@dataclass
class Context:
    """The migration around the statement being checked."""

    path: str = "<sql>"
    transactional: bool = True
    pg_version: int | None = None  # the target server's major version, when known
    lock_timeout: bool = False  # set (by directive, config or SET) before this statement
    statement_timeout: bool = False
    estimates: dict[str, int] | None = None  # row estimates by table, with a connection
    statements: Sequence[Stmt] = ()
    index: int = 0
    locked: dict[str, str] = field(default_factory=dict)  # table -> what took a strong lock
    not_valid: set[tuple[str, str]] = field(default_factory=set)  # (table, constraint)
    enum_values: set[tuple[str, str]] = field(default_factory=set)  # (type, value) added
    ddl_before: bool = False  # a schema change earlier in the same transaction
    dml_before: bool = False
    # what is known of the schema before this file: the live database, earlier files
    before: Callable[[], Learner | None] | None = field(default=None, repr=False)
    _facts: Learner | None = field(default=None, repr=False)
    # what where() and by() found, by the function asked: built once per file
    _where: dict[Test, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _first: dict[Test, int | None] = field(default_factory=dict, repr=False)
    _by: dict[Keys, dict[str, tuple[int, ...]]] = field(default_factory=dict, repr=False)

    def is_new(self, table: str, before: int | None = None) -> bool:
        """Whether ``table`` was created earlier in this migration (so it is empty): before
        the current statement, or before the statement at position ``before``."""
        created = self.by(_creates)
        limit = self.index if before is None else before
        return any(name in created and created[name][0] < limit for name in (table, bare(table)))

    def where(self, test: Test) -> tuple[int, ...]:
        """The positions of the file's statements that pass ``test``, in order.

        ``test`` is asked once per statement of the file, whatever the current one, so it
        must judge a statement as of its own place: ``ctx.is_new(t, before=s.index)``."""
        found = self._where.get(test)
        if found is None:
            found = self._where[test] = tuple(s.index for s in self.statements if test(s, self))
        return found

    def first(self, test: Test) -> int | None:
        """The position of the file's first statement that passes ``test`` (judged as in
        :meth:`where`); it looks no further than that one."""
        if test in self._where:
            found = self._where[test]
            return found[0] if found else None
        if test not in self._first:
            self._first[test] = next((s.index for s in self.statements if test(s, self)), None)
        return self._first[test]

    def by(self, keys: Keys) -> Mapping[str, tuple[int, ...]]:
        """The positions of the file's statements under each key ``keys`` gives them."""
        found = self._by.get(keys)
        if found is None:
            lists: dict[str, list[int]] = {}
            for stmt in self.statements:
                for key in keys(stmt):
                    positions = lists.setdefault(key, [])
                    if not positions or positions[-1] != stmt.index:
                        positions.append(stmt.index)
            found = self._by[keys] = {key: tuple(p) for key, p in lists.items()}
        return found

    def earlier(self, positions: Sequence[int]) -> Sequence[int]:
        """Those of ``positions`` (in order) before the current statement."""
        return positions[: bisect.bisect_left(positions, self.index)]

    def later(self, positions: Sequence[int]) -> Sequence[int]:
        """Those of ``positions`` (in order) after the current statement."""
        return positions[bisect.bisect_right(positions, self.index) :]

    def rows(self, table: str) -> int | None:
        """The table's row estimate, when linting with a connection."""
        if self.estimates is None:
            return None
        for key in (table, f"public.{table}", bare(table)):
            if key in self.estimates:
                return self.estimates[key]
        return None

    def size(self, table: str) -> str:
        """`` (about N rows)`` when the row estimate is known, else nothing."""
        rows = self.rows(table)
        return "" if rows is None else f" ({bare(table)} holds about {rows:,} rows)"

    def facts(self) -> Learner:
        """What is known of the schema just before the current statement: the live
        database (with a connection), the earlier files of the run, and this file's
        statements so far. Built on the first question, then kept up to date."""
        if self._facts is None:
            from pgshift.lint.known import Learner

            self._facts = Learner(base=self.before() if self.before else None)
            for stmt in self.statements[: self.index]:
                if stmt.node in LEARNED:  # the others' trees are not parsed again
                    self._facts.learn_one(stmt.node, stmt.body)
        return self._facts

    def column_type(self, table: str, column: str) -> ColumnType | None:
        """The column's type just before this statement, when known."""
        return self.facts().column_type(table, column)

    def proves_not_null(self, table: str, column: str) -> bool:
        """Whether a validated ``CHECK (column IS NOT NULL)`` exists before this statement."""
        return self.facts().proves_not_null(table, column)

    def at_least(self, major: int) -> bool | None:
        """Whether the target server is ``major`` or newer; None when unknown."""
        return None if self.pg_version is None else self.pg_version >= major


# ALTER TABLE commands that take SHARE UPDATE EXCLUSIVE: reads and writes go on
_WEAK_ALTERS = frozenset(
    {
        "AT_ValidateConstraint",
        "AT_SetStatistics",
        "AT_SetOptions",
        "AT_ResetOptions",
        "AT_ClusterOn",
        "AT_DropCluster",
    }
)
_LOCK_SHARE = 5  # LOCK TABLE modes from SHARE up block writes (lockdefs.h numbering)


def _find_foreign_tables(elements: Iterable[Node]) -> list[str]:
    """The tables a new table's foreign keys reference (locked SHARE ROW EXCLUSIVE)."""
    found = []
    for element in elements:
        constraints = [element.get("Constraint")] if "Constraint" in element else []
        if "ColumnDef" in element:
            column = element["ColumnDef"]
            constraints = [c.get("Constraint") for c in column.get("constraints") or ()]
        for constraint in constraints:
            if constraint and constraint.get("pktable"):
                found.append(relation(constraint["pktable"]))
    return found


def strong_locks(stmt: Stmt) -> list[str]:
    """The existing tables a statement locks against writes (SHARE or stronger); for
    ``DROP INDEX`` and ``ALTER DOMAIN``, the index or domain whose tables it locks."""
    body = stmt.body
    node = stmt.node
    if node == "AlterTableStmt" and body.get("objtype") in ("OBJECT_TABLE", None):
        commands = alter_commands(body)
        if commands and all(
            c.get("subtype") in _WEAK_ALTERS
            or (c.get("def") or {}).get("PartitionCmd", {}).get("concurrent")
            for c in commands
        ):
            return []
        tables = [relation(body.get("relation"))]
        for cmd in commands:
            definition = cmd.get("def") or {}
            if "Constraint" in definition and definition["Constraint"].get("pktable"):
                tables.append(relation(definition["Constraint"]["pktable"]))
        return tables
    if node == "IndexStmt" and not body.get("concurrent"):
        return [relation(body.get("relation"))]
    if node in ("CreateTrigStmt", "RuleStmt", "CreatePolicyStmt"):
        return [relation(body.get("relation"))]
    if node == "RenameStmt" and body.get("relation"):
        return [relation(body.get("relation"))]
    if node == "TruncateStmt":
        return [relation(r.get("RangeVar")) for r in body.get("relations") or ()]
    if node == "DropStmt" and body.get("removeType") in ("OBJECT_TABLE", "OBJECT_INDEX"):
        if body.get("concurrent"):
            return []
        objects = body.get("objects") or ()
        return [".".join(strings(o.get("List", {}).get("items"))) for o in objects]
    if node == "LockStmt" and (body.get("mode") or 0) >= _LOCK_SHARE:
        return [relation(r.get("RangeVar")) for r in body.get("relations") or ()]
    if node == "ReindexStmt" and body.get("relation"):
        concurrent = any(
            p.get("DefElem", {}).get("defname") == "concurrently" for p in body.get("params") or ()
        )
        return [] if concurrent else [relation(body.get("relation"))]
    if node == "VacuumStmt" and any(
        o.get("DefElem", {}).get("defname") == "full" for o in body.get("options") or ()
    ):
        return [
            relation(r.get("VacuumRelation", {}).get("relation")) for r in body.get("rels") or ()
        ]
    if node == "ClusterStmt" and body.get("relation"):
        return [relation(body.get("relation"))]
    if node == "RefreshMatViewStmt" and not body.get("concurrent"):
        return [relation(body.get("relation"))]
    if node == "CreateStmt":
        return _find_foreign_tables(body.get("tableElts") or ())
    if node == "AlterDomainStmt" and body.get("subtype") == "C":
        constraint = (body.get("def") or {}).get("Constraint") or {}
        if not constraint.get("skip_validation"):
            return [".".join(strings(body.get("typeName")))]
    return []


def creates_table(stmt: Stmt) -> str | None:
    """The table a statement creates, if any."""
    if stmt.node == "CreateStmt":
        return relation(stmt.body.get("relation"))
    if stmt.node == "CreateTableAsStmt":
        return relation((stmt.body.get("into") or {}).get("rel"))
    return None


def created_index(stmt: Stmt) -> tuple[str, ...]:
    """The name of the index a statement creates, for :meth:`Context.by`."""
    name = stmt.body.get("idxname") if stmt.node == "IndexStmt" else None
    return (name,) if isinstance(name, str) else ()


def created_schema(stmt: Stmt) -> tuple[str, ...]:
    """The name of the schema a statement creates, for :meth:`Context.by`."""
    name = stmt.body.get("schemaname") if stmt.node == "CreateSchemaStmt" else None
    return (name,) if isinstance(name, str) else ()


def _creates(stmt: Stmt) -> tuple[str, ...]:
    created = creates_table(stmt)
    if created and stmt.body.get("if_not_exists"):
        return ()  # the table may be there already, rows and all: it is not new
    return (created, bare(created)) if created else ()


def _zero(body: Node) -> bool:
    """Whether a ``SET`` gives 0 (``0``, ``'0'``, ``'0s'``, ``DEFAULT``): no timeout."""
    if body.get("kind") == "VAR_SET_DEFAULT":
        return True
    args: list[Node] = body.get("args") or []
    if len(args) != 1:
        return False
    const = args[0].get("A_Const", {})
    if "ival" in const:
        return int(const["ival"].get("ival", 0)) == 0
    text = str(const.get("sval", {}).get("sval", "")).strip().lower()
    return bool(text) and text.rstrip("abcdefghijklmnopqrstuvwxyz ").strip() in ("0", "0.0")


def advance(ctx: Context, stmt: Stmt) -> None:
    """Record what ``stmt`` did, before the next statement is checked."""
    body = stmt.body
    if stmt.node == "VariableSetStmt":
        name = body.get("name")
        if name == "lock_timeout":
            ctx.lock_timeout = body.get("kind") != "VAR_RESET" and not _zero(body)
        elif name == "statement_timeout":
            ctx.statement_timeout = body.get("kind") != "VAR_RESET"
    elif stmt.node == "AlterTableStmt":
        table = relation(body.get("relation"))
        for cmd in alter_commands(body):
            definition = cmd.get("def") or {}
            if "Constraint" in definition and definition["Constraint"].get("skip_validation"):
                ctx.not_valid.add((table, definition["Constraint"].get("conname", "")))
    elif stmt.node == "AlterEnumStmt" and body.get("newVal"):
        ctx.enum_values.add((".".join(strings(body.get("typeName"))), body["newVal"]))
    if ctx.transactional:
        for table in strong_locks(stmt):
            if table and not ctx.is_new(table):
                ctx.locked.setdefault(table, stmt.first_line)
        if stmt.node in DML:
            ctx.dml_before = True
        elif stmt.node not in ("VariableSetStmt", "SelectStmt", "DoStmt"):
            ctx.ddl_before = True
    if ctx._facts is not None and stmt.node in LEARNED:
        ctx._facts.learn_one(stmt.node, body)
    ctx.index += 1


__all__ = [
    "DML",
    "Context",
    "Keys",
    "Stmt",
    "Test",
    "advance",
    "bare",
    "created_index",
    "created_schema",
    "creates_table",
    "strong_locks",
    "unwrap",
]
