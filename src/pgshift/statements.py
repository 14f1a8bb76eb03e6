"""SQL split into statements with line numbers, by PostgreSQL's own parser (pglast).

Each statement keeps the line it starts on, so a failure can say ``file:line``,
and a few facts the runner needs: must it run outside a transaction block
(``CREATE INDEX CONCURRENTLY``, ``VACUUM``, ...), does it change session settings,
does it build or drop a named index concurrently (so a crashed run can resume).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pgshift.errors import SqlError
from pgshift.sections import Section


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement of a migration file."""

    sql: str
    line: int
    node: str
    outside_transaction: bool = False
    transaction_control: bool = False
    session_setting: bool = False
    concurrent_index: str | None = None
    concurrent_drop: bool = False
    tree: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # parse tree

    @property
    def digest(self) -> str:
        """A short hash of the statement's text, kept in the journal."""
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


_OUTSIDE_TRANSACTION = frozenset(
    {
        "CreatedbStmt",
        "DropdbStmt",
        "CreateTableSpaceStmt",
        "DropTableSpaceStmt",
        "AlterSystemStmt",
        "CreateSubscriptionStmt",
        "DropSubscriptionStmt",
    }
)


_COMMIT = re.compile(r"\b(COMMIT|ROLLBACK)\b", re.IGNORECASE)


def _commits(body: dict[str, Any]) -> bool:
    """Whether a DO block's code commits or rolls back (then it runs outside a transaction)."""
    for arg in body.get("args") or ():
        definition = arg.get("DefElem", {})
        if definition.get("defname") == "as":
            code = definition.get("arg", {}).get("String", {}).get("sval", "")
            return bool(_COMMIT.search(code))
    return False


def _classify(node: str, body: dict[str, Any]) -> dict[str, Any]:
    """What the runner must know of one parse-tree node (libpg_query's JSON form)."""
    facts: dict[str, Any] = {}
    if node == "TransactionStmt":
        facts["transaction_control"] = True
    elif node == "IndexStmt" and body.get("concurrent"):
        facts["outside_transaction"] = True
        facts["concurrent_index"] = body.get("idxname")
    elif node == "DropStmt" and body.get("concurrent"):
        facts["outside_transaction"] = True
        facts["concurrent_drop"] = True
    elif node == "ReindexStmt":
        params = body.get("params") or ()
        if any(p.get("DefElem", {}).get("defname") == "concurrently" for p in params):
            facts["outside_transaction"] = True
    elif (node == "VacuumStmt" and body.get("is_vacuumcmd")) or node in _OUTSIDE_TRANSACTION:
        facts["outside_transaction"] = True
    elif node == "AlterTableStmt":
        for cmd in body.get("cmds") or ():
            partition = cmd.get("AlterTableCmd", {}).get("def", {}).get("PartitionCmd", {})
            if partition.get("concurrent"):
                facts["outside_transaction"] = True
    elif node == "DoStmt" and _commits(body):
        # a DO block that commits (a batched backfill) cannot run inside a transaction
        facts["outside_transaction"] = True
    elif (node == "VariableSetStmt" and not body.get("is_local")) or node == "DiscardStmt":
        facts["session_setting"] = True
    return facts


def split(section: Section) -> tuple[Statement, ...]:
    """The statements of ``section``, each with its line in the file.

    Raises :class:`SqlError` for a syntax error, a psql meta-command or
    ``COPY ... FROM STDIN``, naming ``file:line``.
    """
    from pglast import parser

    text = section.sql
    starts = _line_starts(text)

    def line_of(offset: int) -> int:
        return section.first_line + bisect.bisect_right(starts, offset) - 1

    try:
        tree = json.loads(parser.parse_sql_json(text))
    except parser.ParseError as exc:
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        if "end of input" in str(exc.args[0]):
            offset = len(text.rstrip()) - 1  # the error is where the text stops
        line = line_of(min(max(offset, 0), max(len(text) - 1, 0)))
        source = text.split("\n")[line - section.first_line] if text else ""
        for index, candidate in enumerate(text.split("\n")):
            if candidate.lstrip().startswith("\\"):
                meta_line = section.first_line + index
                raise SqlError(
                    f"{section.path}:{meta_line}: psql meta-command "
                    f"{candidate.strip().split()[0]!r} in a migration.",
                    "pgshift sends SQL to the server itself; psql commands such as \\i, \\copy "
                    "or \\set are not SQL. Inline the included SQL, or use a Python migration.",
                    path=section.path,
                    line=meta_line,
                ) from exc
        raise SqlError(
            f"{section.path}:{line}: syntax error: {exc.args[0]}.\n    {source.strip()}",
            "Fix the SQL; nothing has been run.",
            path=section.path,
            line=line,
        ) from exc

    # libpg_query reports byte offsets; slice the UTF-8 bytes, then count lines.
    data = text.encode("utf-8")
    ascii_only = len(data) == len(text)
    statements: list[Statement] = []
    for item in tree.get("stmts", ()):
        location = item.get("stmt_location", 0)
        length = item.get("stmt_len") or (len(data) - location)
        if ascii_only:
            raw, char_location = text[location : location + length], location
        else:
            raw = data[location : location + length].decode("utf-8")
            char_location = len(data[:location].decode("utf-8"))
        stripped = raw.lstrip()
        line = line_of(char_location + len(raw) - len(stripped))
        ((node, body),) = item["stmt"].items()
        if node == "CopyStmt" and body.get("is_from") and not body.get("filename"):
            raise SqlError(
                f"{section.path}:{line}: COPY ... FROM STDIN needs data from a client.",
                "Use INSERT statements, or a Python migration that copies with "
                "conn.cursor().copy().",
                path=section.path,
                line=line,
            )
        facts = _classify(node, body)
        statements.append(
            Statement(sql=stripped.rstrip(), line=line, node=node, tree=body, **facts)
        )
    if not statements:
        raise SqlError(
            f"{section.path}:{section.first_line}: no SQL statement found.",
            "Write the SQL of the migration, or delete the file.",
            path=section.path,
            line=section.first_line,
        )
    return tuple(statements)


def check_runnable(statements: tuple[Statement, ...], transaction: bool, section: Section) -> None:
    """Refuse, before anything runs, what cannot work in this migration's mode."""
    for statement in statements:
        where = f"{section.path}:{statement.line}"
        if statement.transaction_control:
            raise SqlError(
                f"{where}: transaction control ({statement.sql.split()[0].upper()}) "
                "in a migration.",
                "pgshift runs each migration in a transaction of its own (or, with "
                "-- pgshift:no-transaction, statement by statement). Remove BEGIN/COMMIT.",
                path=section.path,
                line=statement.line,
            )
        if transaction and statement.outside_transaction:
            raise SqlError(
                f"{where}: this statement cannot run inside a transaction block.\n"
                f"    {statement.sql.splitlines()[0]}",
                "Put it in a migration of its own whose first line is '-- pgshift:no-transaction'.",
                path=section.path,
                line=statement.line,
            )
