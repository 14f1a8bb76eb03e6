"""What may run inside a transaction block, read from a statement's parse tree.

PostgreSQL refuses some commands in a transaction block ("cannot run inside a
transaction block"), some only for certain values of their options
(``REINDEX (CONCURRENTLY false)`` runs in one), and PL/pgSQL refuses ``COMMIT`` and
``ROLLBACK`` there ("invalid transaction termination"). :mod:`pgshift.migrations.statements`
classifies each statement with these readers, so that migrate (which refuses or runs
the statement outside a transaction) and lint (which reports it) read it alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

_OUTSIDE_TRANSACTION = {
    "CreatedbStmt": "CREATE DATABASE",
    "DropdbStmt": "DROP DATABASE",
    "CreateTableSpaceStmt": "CREATE TABLESPACE",
    "DropTableSpaceStmt": "DROP TABLESPACE",
    "AlterSystemStmt": "ALTER SYSTEM",
    "DropSubscriptionStmt": "DROP SUBSCRIPTION",
}


def boolean_option(options: list[dict[str, Any]] | None, name: str) -> bool | None:
    """The value of the option ``name`` in a list of ``DefElem`` nodes, read as the server
    reads it (``defGetBoolean``): absent -> None; a bare name, ``true``, ``on`` or ``1`` ->
    True; ``false``, ``off`` or ``0`` -> False (any case). The last one given counts (as
    REINDEX takes it; a statement that refuses a repeated option fails anyway). A value
    the server refuses (``yes``, ``2``) is None too: the statement fails whatever runs it."""
    value: bool | None = None
    for option in options or ():
        definition = option.get("DefElem", {})
        if definition.get("defname") != name:
            continue
        arg = definition.get("arg")
        if arg is None:
            value = True
        elif "Integer" in arg:
            number = arg["Integer"].get("ival", 0)  # libpg_query leaves out a 0
            value = {0: False, 1: True}.get(number)
        elif "Boolean" in arg:
            value = bool(arg["Boolean"].get("boolval"))
        else:
            text = _word(arg)
            value = None if text is None else _BOOLEANS.get(text.lower())
    return value


_BOOLEANS = {"true": True, "on": True, "false": False, "off": False}


def _word(arg: dict[str, Any]) -> str | None:
    """An option's value as the text the server reads (``defGetString``): a string, or a
    bare word, which the grammar may give as a type name (``refresh = off``)."""
    if "String" in arg:
        text = arg["String"].get("sval", "")
        return text if isinstance(text, str) else None
    if "TypeName" in arg:
        names = [n["String"].get("sval", "") for n in arg["TypeName"].get("names") or ()]
        return ".".join(names) if names else None
    return None


def _string_option(options: list[dict[str, Any]] | None, name: str) -> str | None:
    """The text of the last option ``name`` (a bare word or a string), if it has one."""
    found = None
    for option in options or ():
        definition = option.get("DefElem", {})
        if definition.get("defname") == name:
            found = _word(definition.get("arg") or {})
    return found


def _subscription_refreshes(body: dict[str, Any]) -> bool:
    """Whether ALTER SUBSCRIPTION refreshes the subscription (which connects to the
    publisher and cannot run inside a transaction block)."""
    kind = body.get("kind")
    if kind == "ALTER_SUBSCRIPTION_REFRESH":
        return True
    if kind in (
        "ALTER_SUBSCRIPTION_SET_PUBLICATION",
        "ALTER_SUBSCRIPTION_ADD_PUBLICATION",
        "ALTER_SUBSCRIPTION_DROP_PUBLICATION",
    ):
        return boolean_option(body.get("options"), "refresh") is not False  # true by default
    return False


def _creates_slot(body: dict[str, Any]) -> bool:
    """Whether CREATE SUBSCRIPTION creates a replication slot: ``create_slot``, which is
    true by default unless ``connect = false``."""
    options = body.get("options")
    create_slot = boolean_option(options, "create_slot")
    if create_slot is not None:
        return create_slot
    return boolean_option(options, "connect") is not False


_REINDEX_MANY = {
    "REINDEX_OBJECT_SCHEMA": "REINDEX SCHEMA",
    "REINDEX_OBJECT_SYSTEM": "REINDEX SYSTEM",
    "REINDEX_OBJECT_DATABASE": "REINDEX DATABASE",
}


def no_transaction_command(node: str, body: dict[str, Any]) -> str | None:
    """The command, named as PostgreSQL's "cannot run inside a transaction block" error
    names it, when this statement cannot run in one; else None.

    Options count by their value (``REINDEX (CONCURRENTLY false)`` runs in a
    transaction). ``DROP SUBSCRIPTION`` is named though it runs in one when the
    subscription has no replication slot (:class:`FileFacts` knows when the file said
    so); a ``DO`` block or a ``CALL`` that commits is left to :meth:`FileFacts.reached`
    (it depends on the code, and on the procedures the file creates)."""
    if node in _OUTSIDE_TRANSACTION:
        return _OUTSIDE_TRANSACTION[node]
    if node == "VacuumStmt":
        return "VACUUM" if body.get("is_vacuumcmd") else None  # ANALYZE alone runs in one
    if node == "IndexStmt":
        return "CREATE INDEX CONCURRENTLY" if body.get("concurrent") else None
    if node == "DropStmt":
        return "DROP INDEX CONCURRENTLY" if body.get("concurrent") else None
    if node == "ReindexStmt":
        if boolean_option(body.get("params"), "concurrently"):
            return "REINDEX CONCURRENTLY"
        return _REINDEX_MANY.get(body.get("kind", ""))
    if node == "ClusterStmt":
        # CLUSTER without a table: every table clustered before, each in its own transaction
        return "CLUSTER" if not body.get("relation") else None
    if node == "AlterDatabaseStmt":
        named = any(
            o.get("DefElem", {}).get("defname") == "tablespace" for o in body.get("options") or ()
        )
        return "ALTER DATABASE SET TABLESPACE" if named else None
    if node == "CreateSubscriptionStmt":
        return "CREATE SUBSCRIPTION ... WITH (create_slot = true)" if _creates_slot(body) else None
    if node == "AlterSubscriptionStmt" and _subscription_refreshes(body):
        if body.get("kind") == "ALTER_SUBSCRIPTION_REFRESH":
            return "ALTER SUBSCRIPTION ... REFRESH"
        return "ALTER SUBSCRIPTION with refresh"
    if node == "AlterTableStmt":
        for cmd in body.get("cmds") or ():
            partition = cmd.get("AlterTableCmd", {}).get("def", {}).get("PartitionCmd", {})
            if partition.get("concurrent"):
                return "ALTER TABLE ... DETACH CONCURRENTLY"
    return None


@dataclass(frozen=True, slots=True)
class Control:
    """A ``COMMIT`` or ``ROLLBACK`` in PL/pgSQL code."""

    verb: str  # "COMMIT" or "ROLLBACK"
    line: int  # its line in the code, from 1
    guarded: bool  # inside BEGIN ... EXCEPTION ... END (a subtransaction): it always fails


@dataclass(frozen=True, slots=True)
class Code:
    """What a PL/pgSQL body does with transactions: its own COMMITs and ROLLBACKs, and
    the procedures it CALLs (bare name, and whether the CALL is inside a block with an
    EXCEPTION clause). ``atomic``: a procedure with a SET clause or SECURITY DEFINER, where
    PostgreSQL refuses transaction control."""

    controls: tuple[Control, ...] = ()
    calls: tuple[tuple[str, bool], ...] = ()
    atomic: bool = False


@dataclass(frozen=True, slots=True)
class Reached:
    """A COMMIT or ROLLBACK that running a statement reaches (if its path is taken)."""

    control: Control
    procedure: str | None  # the procedure of the file it is in; None: the DO block itself
    # PostgreSQL refuses it wherever it runs: in a procedure with SET or SECURITY DEFINER,
    # or called from one or from inside an EXCEPTION block ("invalid transaction
    # termination"), or itself inside an EXCEPTION block ("cannot commit while a
    # subtransaction is active", said when the first does not apply)
    atomic: bool = False
    subtransaction: bool = False

    @property
    def fails(self) -> bool:
        """Whether PostgreSQL refuses it even outside a transaction block."""
        return self.atomic or self.subtransaction


def procedure_name(names: list[dict[str, Any]] | None) -> str:
    """A ``funcname`` list as the bare name of the routine (``public.p`` -> ``p``)."""
    found = [n["String"]["sval"] for n in names or () if "String" in n]
    return found[-1] if found else ""


def plpgsql_code(node: str, body: dict[str, Any], sql: str) -> Code | None:
    """The transaction control of a ``DO`` block or a ``CREATE PROCEDURE`` in PL/pgSQL
    (``sql``: the statement's text), read by PostgreSQL's own PL/pgSQL parser; None for
    other statements, other languages, and code that does not parse (the server refuses
    it anyway)."""
    if node == "DoStmt":
        options = body.get("args")
    elif node == "CreateFunctionStmt" and body.get("is_procedure"):
        options = body.get("options")
    else:
        return None
    if (_string_option(options, "language") or "plpgsql").lower() != "plpgsql":
        return None
    if not any(o.get("DefElem", {}).get("defname") == "as" for o in options or ()):
        return None  # BEGIN ATOMIC ... END: SQL, which cannot commit
    from pglast import parser

    try:
        functions = json.loads(parser.parse_plpgsql_json(sql))
    except (parser.ParseError, ValueError, RecursionError):
        return None
    controls: list[Control] = []
    calls: list[tuple[str, bool]] = []
    for function in functions if isinstance(functions, list) else ():
        action = (function.get("PLpgSQL_function") or {}).get("action")
        _read_code(action, controls, calls)
    atomic = node == "CreateFunctionStmt" and (
        boolean_option(options, "security") is True
        or any(o.get("DefElem", {}).get("defname") == "set" for o in options or ())
    )
    return Code(tuple(controls), tuple(calls), atomic)


def _read_code(value: Any, controls: list[Control], calls: list[tuple[str, bool]]) -> None:
    """Collect the COMMITs, ROLLBACKs and CALLs below ``value``, each with whether it is
    inside a block with an EXCEPTION clause (a subtransaction, where they fail)."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, guarded = stack.pop()
        if isinstance(item, list):
            stack.extend((element, guarded) for element in reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        for key, inner in item.items():
            if not isinstance(inner, (dict, list)):
                continue
            if key in ("PLpgSQL_stmt_commit", "PLpgSQL_stmt_rollback") and isinstance(inner, dict):
                verb = "COMMIT" if key == "PLpgSQL_stmt_commit" else "ROLLBACK"
                controls.append(Control(verb, int(inner.get("lineno", 0)), guarded))
            elif key == "PLpgSQL_stmt_call" and isinstance(inner, dict):
                called = _called(inner)
                if called:
                    calls.append((called, guarded))
            elif key == "PLpgSQL_stmt_block" and isinstance(inner, dict):
                # the handlers run after the block's subtransaction is rolled back
                stack.append((inner.get("exceptions"), guarded))
                stack.append((inner.get("body"), guarded or bool(inner.get("exceptions"))))
            else:
                stack.append((inner, guarded))


def _called(call: dict[str, Any]) -> str | None:
    """The bare name of the procedure a PL/pgSQL ``CALL`` statement calls."""
    from pglast import parser

    query = (call.get("expr") or {}).get("PLpgSQL_expr", {}).get("query")
    if not isinstance(query, str):
        return None
    try:
        stmts = json.loads(parser.parse_sql_json(query)).get("stmts") or []
    except parser.ParseError:  # PL/pgSQL took it, the SQL parser does not: no call known
        return None
    call_stmt = (stmts[0].get("stmt") or {}).get("CallStmt") or {} if stmts else {}
    return procedure_name((call_stmt.get("funccall") or {}).get("funcname")) or None


@dataclass
class FileFacts:
    """What the earlier statements of a file tell about the later ones: the procedures it
    creates (a later ``CALL`` commits if theirs do), and the subscriptions it left without a
    replication slot (a later ``DROP SUBSCRIPTION`` of one runs in a transaction)."""

    procedures: dict[str, Code] = field(default_factory=dict)
    slotless: set[str] = field(default_factory=set)

    def learn(self, node: str, body: dict[str, Any], sql: str) -> None:
        """Take in one statement, after it was classified."""
        if node == "CreateFunctionStmt" and body.get("is_procedure"):
            name = procedure_name(body.get("funcname"))
            self.procedures[name] = plpgsql_code(node, body, sql) or Code()
        elif node in ("CreateSubscriptionStmt", "AlterSubscriptionStmt"):
            slot = _string_option(body.get("options"), "slot_name")
            name = body.get("subname", "")
            if slot == "none":
                self.slotless.add(name)
            elif slot is not None:
                self.slotless.discard(name)

    def reached(self, node: str, body: dict[str, Any], sql: str) -> list[Reached]:
        """The COMMITs and ROLLBACKs a ``DO`` block or a ``CALL`` reaches: its own, and
        those of the procedures of this file that it calls (and so on), each once."""
        pending: list[tuple[Code, str | None, bool]] = []
        if node == "CallStmt":
            name = procedure_name((body.get("funccall") or {}).get("funcname"))
            if name not in self.procedures:
                return []  # a procedure the file does not create: not guessed
            pending.append((self.procedures[name], name, False))
        else:
            code = plpgsql_code(node, body, sql)
            if code is not None:
                pending.append((code, None, False))
        found: list[Reached] = []
        seen: set[tuple[str | None, bool]] = set()
        while pending:
            code, procedure, atomic = pending.pop(0)
            atomic = atomic or code.atomic  # transaction control is refused all the way down
            if (procedure, atomic) in seen:
                continue
            seen.add((procedure, atomic))
            for control in code.controls:
                found.append(Reached(control, procedure, atomic, control.guarded and not atomic))
            for called, guarded in code.calls:
                if called in self.procedures:
                    pending.append((self.procedures[called], called, atomic or guarded))
        return found
