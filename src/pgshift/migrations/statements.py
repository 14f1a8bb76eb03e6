"""SQL split into statements with line numbers, by PostgreSQL's own parser (pglast).

Each statement keeps the line it starts on, so a failure can say ``file:line``,
and a few facts the runner needs: must it run outside a transaction block
(``CREATE INDEX CONCURRENTLY``, ``VACUUM``, ...), does it change session settings,
does it build or drop a named index concurrently (so a crashed run can resume).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pgshift.errors import SqlError
from pgshift.migrations.sections import Section
from pgshift.migrations.transaction_block import FileFacts, Reached, no_transaction_command

# Files are parsed a chunk at a time, so time and memory stay linear in their size.
_CHUNK = 1 << 16  # characters of SQL per parser call (grown for a longer statement)
# A section up to this size (in characters) keeps each statement's parse tree; a bigger
# one (a data migration) parses a statement again when its tree is asked for: a tree
# takes some fifty times the memory of its text, and the time of the garbage collector.
KEEP_TREES = 1 << 18


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement of a migration file.

    ``sql`` can always be followed by more SQL: a statement whose last line ends in a
    ``--`` comment keeps the line break that ends the comment.
    """

    sql: str
    line: int
    node: str
    outside_transaction: bool = False
    transaction_control: bool = False
    session_setting: bool = False
    concurrent_index: str | None = None
    concurrent_drop: bool = False
    # the COMMITs and ROLLBACKs a DO block or a CALL reaches (then it runs outside a
    # transaction), its own and those of the procedures of the file it calls
    reached: tuple[Reached, ...] = field(default=(), compare=False, repr=False)
    parsed: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def tree(self) -> dict[str, Any]:
        """The parse tree (libpg_query's JSON form): kept by :func:`split`, or parsed now."""
        if self.parsed is not None:
            return self.parsed
        return parse_tree(self.sql)

    @property
    def digest(self) -> str:
        """A short hash of the statement's text, kept in the journal."""
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]


def parse_tree(text: str) -> dict[str, Any]:
    """The parse tree of one statement, without its node name (``{}`` for none)."""
    from pglast import parser

    stmts: list[dict[str, Any]] = json.loads(parser.parse_sql_json(text)).get("stmts") or []
    if not stmts:
        return {}
    ((_, body),) = stmts[0]["stmt"].items()
    tree: dict[str, Any] = body
    return tree


class _Lines:
    """Line numbers of increasing offsets into a text, counted as they come."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.offset = 0
        self.line = first_line

    def at(self, offset: int) -> int:
        if offset < self.offset:  # never, in order; kept right anyway
            self.offset, self.line = 0, self.line - self.text.count("\n", 0, self.offset)
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


# The nodes whose facts are read from their trees (by _classify and _refuse_copy).
_FACT_NODES = frozenset(
    {
        "TransactionStmt",
        "IndexStmt",
        "DropStmt",
        "ReindexStmt",
        "VacuumStmt",
        "ClusterStmt",
        "AlterTableStmt",
        "AlterDatabaseStmt",
        "CreateSubscriptionStmt",
        "AlterSubscriptionStmt",
        "DropSubscriptionStmt",
        "DoStmt",
        "CreateFunctionStmt",
        "CallStmt",
        "VariableSetStmt",
        "DiscardStmt",
        "CopyStmt",
    }
)

# In libpg_query's JSON, "stmt", "stmt_location" and "stmt_len" are keys of the
# top-level RawStmt alone, and a quote inside a string is escaped: so these find each
# statement's node, place and length without decoding its tree (most of the cost).
_ITEM = '{"stmt":{"'
_LOCATION = '"stmt_location":'
_LENGTH = '"stmt_len":'
_NUMBER = re.compile(r"\d+")
_DECODER = json.JSONDecoder()


def _classify(node: str, body: dict[str, Any], sql: str, file: FileFacts) -> dict[str, Any]:
    """What the runner must know of one parse-tree node (libpg_query's JSON form)."""
    facts: dict[str, Any] = {}
    if node == "TransactionStmt":
        facts["transaction_control"] = True
    elif node in ("DoStmt", "CallStmt"):
        # a DO block, or a procedure of this file, that commits (a batched backfill)
        # cannot run inside a transaction block: "invalid transaction termination"
        reached = file.reached(node, body, sql)
        if reached:
            facts["outside_transaction"] = True
            facts["reached"] = tuple(reached)
    elif node == "DropSubscriptionStmt" and body.get("subname") in file.slotless:
        pass  # no replication slot to drop: it runs in a transaction
    elif no_transaction_command(node, body):
        facts["outside_transaction"] = True
        if node == "IndexStmt":
            facts["concurrent_index"] = body.get("idxname")
        elif node == "DropStmt":
            facts["concurrent_drop"] = True
    elif (node == "VariableSetStmt" and not body.get("is_local")) or node == "DiscardStmt":
        facts["session_setting"] = True
    return facts


def split(section: Section) -> tuple[Statement, ...]:
    """The statements of ``section``, each with its line in the file.

    Time and memory are linear in the size of the text: it is parsed a chunk of
    statements at a time. Raises :class:`SqlError` for a syntax error, a psql
    meta-command or ``COPY ... FROM STDIN``, naming ``file:line``.
    """
    text = section.sql
    keep = len(text) <= KEEP_TREES
    lines = _Lines(text, section.first_line)
    statements: list[Statement] = []
    file = FileFacts()
    for start, chunk, tree in _parsed_chunks(section):
        for char_location, raw, node, body_at in _located(chunk, tree):
            stripped = raw.lstrip()
            line = lines.at(start + char_location + len(raw) - len(stripped))
            # a tree is decoded only when kept, or when the facts are read from it
            body = _DECODER.raw_decode(tree, body_at)[0] if keep or node in _FACT_NODES else {}
            _refuse_copy(node, body, section, line)
            sql = _safe_end(stripped.rstrip())
            facts = _classify(node, body, sql, file)
            file.learn(node, body, sql)
            statements.append(
                Statement(
                    sql=sql,
                    line=line,
                    node=node,
                    parsed=body if keep else None,
                    **facts,
                )
            )
    if not statements:
        raise SqlError(
            f"{section.path}:{section.first_line}: no SQL statement found.",
            "Write the SQL of the migration, or delete the file.",
            path=section.path,
            line=section.first_line,
        )
    return tuple(statements)


def _parsed_chunks(section: Section) -> Iterator[tuple[int, str, str]]:
    """``(offset, chunk, parse tree as JSON)`` for consecutive chunks of whole statements.

    The scanner proposes where a chunk may end (after a ``;`` outside quotes and
    comments); the parser checks it. A ``;`` inside ``BEGIN ATOMIC ... END`` fools the
    scanner, and the parser then stops at the end of the chunk: the chunk grows. An
    error anywhere else is the file's own.
    """
    from pglast import parser

    text = section.sql
    start = 0
    size = _CHUNK
    while start < len(text):
        end = _cut(text, start, size)
        chunk = text[start:end]
        try:
            tree = parser.parse_sql_json(chunk)
        except parser.ParseError as exc:
            if end < len(text) and "end of input" in str(exc.args[0]):
                size *= 2
                continue
            raise _syntax_error(section, exc, start, chunk) from exc
        yield start, chunk, tree
        start, size = end, _CHUNK


def _cut(text: str, start: int, size: int) -> int:
    """Where a chunk that starts at ``start`` (between statements) may end: before the
    last statement that starts in the next ``size`` characters, as the scanner sees them."""
    from pglast import parser

    while start + size < len(text):
        window = text[start : start + size]
        while window:
            try:
                slices = parser.split(window, with_parser=False, only_slices=True)
                break
            except parser.ParseError as exc:
                # the window ends inside a quoted string or a comment: end it before that
                position = exc.args[1] if len(exc.args) > 1 else None
                window = window[:position] if isinstance(position, int) else ""
        else:
            slices = ()
        if len(slices) > 1:
            return start + int(slices[-1].start)
        size *= 2  # one statement longer than the window
    return len(text)


def _located(chunk: str, tree: str) -> Iterator[tuple[int, str, str, int]]:
    """``(character offset, text, node, where its tree starts in tree)`` of each
    statement of ``chunk``, read from its parse tree in JSON without decoding it.

    libpg_query gives byte offsets: counted forward, so a file of multi-byte text stays
    linear."""
    ascii_only = chunk.isascii()
    data = b"" if ascii_only else chunk.encode("utf-8")
    size = len(chunk) if ascii_only else len(data)
    byte_at = char_at = 0
    item = tree.find(_ITEM)
    while item != -1:
        name_at = item + len(_ITEM)
        name_end = tree.index('"', name_at)
        node, body_at = tree[name_at:name_end], name_end + 2
        item = tree.find(_ITEM, body_at)
        stop = len(tree) if item == -1 else item
        # the place and length follow the tree: look for them from its end
        location = _number_after(tree, _LOCATION, body_at, stop) or 0
        length = _number_after(tree, _LENGTH, body_at, stop) or size - location
        if ascii_only:
            yield location, chunk[location : location + length], node, body_at
            continue
        char_at += len(data[byte_at:location].decode("utf-8"))
        byte_at = location
        yield char_at, data[location : location + length].decode("utf-8"), node, body_at


def _number_after(tree: str, key: str, start: int, stop: int) -> int | None:
    """The number after the last ``key`` in ``tree[start:stop]``, if there is one."""
    found = tree.rfind(key, start, stop)
    match = _NUMBER.match(tree, found + len(key)) if found != -1 else None
    return int(match[0]) if match else None


def _safe_end(sql: str) -> str:
    """``sql``, ended by a line break if its last token is a ``--`` comment (so that what
    follows it is not commented out)."""
    if "--" not in sql[sql.rfind("\n") + 1 :]:
        return sql
    from pglast import parser

    try:
        tokens = parser.scan(sql)
    except parser.ParseError:  # it parsed: cannot happen; a line break is harmless
        return sql + "\n"
    return sql + "\n" if tokens and tokens[-1].name == "SQL_COMMENT" else sql


def _refuse_copy(node: str, body: dict[str, Any], section: Section, line: int) -> None:
    if node != "CopyStmt" or body.get("filename") or body.get("is_program"):
        return
    if body.get("is_from"):
        raise SqlError(
            f"{section.path}:{line}: COPY ... FROM STDIN needs data from a client.",
            "Use INSERT statements, or a Python migration that copies with conn.cursor().copy().",
            path=section.path,
            line=line,
        )
    raise SqlError(
        f"{section.path}:{line}: COPY ... TO STDOUT sends rows to a client; "
        "a migration has none to read them.",
        "Write to a file on the server (COPY ... TO 'file'), or copy in a Python "
        "migration with conn.cursor().copy().",
        path=section.path,
        line=line,
    )


_META = re.compile(r"^[^\S\n]*\\", re.MULTILINE)


def _syntax_error(section: Section, exc: Exception, start: int, chunk: str) -> SqlError:
    """The parser's error at its line in the file (or the psql meta-command behind it)."""
    text = section.sql
    meta = _META.search(text)
    if meta:
        line = section.first_line + text.count("\n", 0, meta.start())
        stop = text.find("\n", meta.end())
        command = text[meta.end() - 1 : stop if stop != -1 else len(text)].split()[0]
        return SqlError(
            f"{section.path}:{line}: psql meta-command {command!r} in a migration.",
            "pgshift sends SQL to the server itself; psql commands such as \\i, \\copy "
            "or \\set are not SQL. Inline the included SQL, or use a Python migration.",
            path=section.path,
            line=line,
        )
    message = str(exc.args[0])
    position = exc.args[1] if len(exc.args) > 1 else None  # characters into the chunk
    offset = position if isinstance(position, int) else 0
    if "end of input" in message:
        offset = len(chunk.rstrip()) - 1  # the error is where the text stops
    offset = start + min(max(offset, 0), max(len(chunk) - 1, 0))
    line = section.first_line + text.count("\n", 0, offset)
    begin = text.rfind("\n", 0, offset) + 1
    stop = text.find("\n", offset)
    source = text[begin : stop if stop != -1 else len(text)]
    word = _unknown_command(text, offset)
    if word is not None:
        from pglast import parser

        major, minor = parser.get_postgresql_version()
        return SqlError(
            f"{section.path}:{line}: syntax error: {word} begins no statement that PostgreSQL "
            f"{major} knows (pgshift reads SQL with the parser of PostgreSQL {major}.{minor})."
            f"\n    {source.strip()}",
            f"If {word} is a typo, fix it. If it is a command of a newer PostgreSQL, pgshift "
            "cannot read it yet: run it by hand, or in a Python migration "
            "(conn.execute(...)), which pgshift does not parse. Nothing has been run.",
            path=section.path,
            line=line,
        )
    return SqlError(
        f"{section.path}:{line}: syntax error: {message}.\n    {source.strip()}",
        "Fix the SQL; nothing has been run.",
        path=section.path,
        line=line,
    )


def _unknown_command(text: str, offset: int) -> str | None:
    """The word at ``offset`` when it is the first word of its statement (the parser
    failed on the command itself: a typo, or a command of a newer PostgreSQL)."""
    from pglast import parser

    found = re.match(r"[A-Za-z_]+", text[offset:])
    if found is None:
        return None
    try:
        tokens = parser.scan(text[:offset])
    except parser.ParseError:
        return None
    last = next((t for t in reversed(tokens) if t.name not in ("SQL_COMMENT", "C_COMMENT")), None)
    if last is not None and last.name != "ASCII_59":  # not right after a ';'
        return None
    return found.group(0).upper()


def _outside_why(statement: Statement) -> str:
    """Why ``statement`` cannot run in the migration's transaction, in a sentence."""
    if statement.node == "DoStmt":
        return (
            "this DO block commits or rolls back, which PostgreSQL refuses inside a "
            "transaction block (invalid transaction termination, SQLSTATE 2D000)."
        )
    if statement.node == "CallStmt":
        return (
            "this CALL runs a procedure of this file that commits or rolls back, which "
            "PostgreSQL refuses inside a transaction block (invalid transaction "
            "termination, SQLSTATE 2D000)."
        )
    return "this statement cannot run inside a transaction block."


NO_TRANSACTION_HINT = (
    "Put it in a migration of its own whose first line is '-- pgshift:no-transaction'."
)


def check_runnable(
    statements: tuple[Statement, ...],
    transaction: bool,
    section: Section,
    *,
    no_transaction_hint: str = NO_TRANSACTION_HINT,
) -> None:
    """Refuse, before anything runs, what cannot work in this migration's mode.

    ``no_transaction_hint`` says how the file's own tool marks a file to run outside a
    transaction (another tool's layout has a marker of its own)."""
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
                f"{where}: {_outside_why(statement)}\n    {statement.sql.splitlines()[0]}",
                no_transaction_hint,
                path=section.path,
                line=statement.line,
            )
