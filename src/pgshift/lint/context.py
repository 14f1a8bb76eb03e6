"""What a rule may know of a statement and of the migration around it.

The engine walks a file's statements in order and keeps, in one :class:`Context`,
what the statements before the current one did: tables created, settings made,
locks taken, constraints added NOT VALID, enum values added. Rules read it; only
the engine writes it, after every rule has seen the statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pgshift.lint.tree import Node, alter_commands, relation, strings, unwrap

# Statement types that change data rather than the schema.
DML = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "CopyStmt"})


@dataclass(frozen=True, slots=True)
class Stmt:
    """One parsed statement: its type, its parse tree and where it is."""

    node: str  # "AlterTableStmt", ...
    body: Node
    sql: str
    line: int
    index: int  # its position in the file, from 0

    @property
    def first_line(self) -> str:
        """The statement's first line of text."""
        return self.sql.split("\n", 1)[0].strip()


def bare(name: str) -> str:
    """``schema.table`` -> ``table``."""
    return name.rsplit(".", 1)[-1]


@dataclass
class Context:
    """The migration around the statement being checked."""

    path: str = "<sql>"
    transactional: bool = True
    pg_version: int | None = None  # the target server's major version, when known
    lock_timeout: bool = False  # set (by directive, config or SET) before this statement
    statement_timeout: bool = False
    estimates: dict[str, int] | None = None  # row estimates by table, with a connection
    statements: tuple[Stmt, ...] = ()
    index: int = 0
    created: set[str] = field(default_factory=set)  # tables created earlier in the file
    locked: dict[str, str] = field(default_factory=dict)  # table -> what took a strong lock
    not_valid: set[tuple[str, str]] = field(default_factory=set)  # (table, constraint)
    enum_values: set[tuple[str, str]] = field(default_factory=set)  # (type, value) added
    ddl_before: bool = False  # a schema change earlier in the same transaction
    dml_before: bool = False

    def is_new(self, table: str) -> bool:
        """Whether ``table`` was created earlier in this migration (so it is empty)."""
        return table in self.created or bare(table) in self.created

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

    @property
    def following(self) -> tuple[Stmt, ...]:
        """The statements after the current one."""
        return self.statements[self.index + 1 :]

    @property
    def previous(self) -> tuple[Stmt, ...]:
        """The statements before the current one."""
        return self.statements[: self.index]

    def at_least(self, major: int) -> bool | None:
        """Whether the target server is ``major`` or newer; None when unknown."""
        return None if self.pg_version is None else self.pg_version >= major


def strong_locks(stmt: Stmt) -> list[str]:
    """The existing tables a statement locks against writes (SHARE or stronger)."""
    body = stmt.body
    if stmt.node == "AlterTableStmt" and body.get("objtype") in ("OBJECT_TABLE", None):
        tables = [relation(body.get("relation"))]
        for cmd in alter_commands(body):
            definition = cmd.get("def") or {}
            if "Constraint" in definition and definition["Constraint"].get("pktable"):
                tables.append(relation(definition["Constraint"]["pktable"]))
        return tables
    if stmt.node == "IndexStmt" and not body.get("concurrent"):
        return [relation(body.get("relation"))]
    if stmt.node in ("CreateTrigStmt", "RuleStmt", "CreatePolicyStmt"):
        return [relation(body.get("relation"))]
    if stmt.node == "RenameStmt" and body.get("relation"):
        return [relation(body.get("relation"))]
    if stmt.node == "TruncateStmt":
        return [relation(r.get("RangeVar")) for r in body.get("relations") or ()]
    if stmt.node == "DropStmt" and body.get("removeType") == "OBJECT_TABLE":
        objects = body.get("objects") or ()
        return [".".join(strings(o.get("List", {}).get("items"))) for o in objects]
    return []


def creates_table(stmt: Stmt) -> str | None:
    """The table a statement creates, if any."""
    if stmt.node == "CreateStmt":
        return relation(stmt.body.get("relation"))
    if stmt.node == "CreateTableAsStmt":
        return relation(stmt.body.get("into", {}).get("rel"))
    return None


def advance(ctx: Context, stmt: Stmt) -> None:
    """Record what ``stmt`` did, before the next statement is checked."""
    body = stmt.body
    created = creates_table(stmt)
    if created:
        ctx.created.update({created, bare(created)})
    if stmt.node == "VariableSetStmt":
        name = body.get("name")
        if name == "lock_timeout":
            ctx.lock_timeout = body.get("kind") != "VAR_RESET"
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
    ctx.index += 1


__all__ = ["DML", "Context", "Stmt", "advance", "bare", "creates_table", "strong_locks", "unwrap"]
