"""Small readers over libpg_query's JSON parse tree (``{"NodeType": {fields}}``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Node = dict[str, Any]


def unwrap(node: Node) -> tuple[str, Node]:
    """``{"Type": {...}}`` -> ``("Type", {...})``."""
    ((kind, body),) = node.items()
    return kind, body


def walk(value: Any) -> Iterator[tuple[str, Node]]:
    """Every node below ``value`` (itself included), as ``(type, body)``, depth first."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if isinstance(item, dict):
            if len(item) == 1:
                for key, body in item.items():
                    if key[:1].isupper() and isinstance(body, dict):
                        yield key, body
            # only what can hold nodes: most of a body is numbers and strings
            push([v for v in reversed(item.values()) if isinstance(v, (dict, list))])
        elif isinstance(item, list):
            push(reversed(item))


def find(value: Any, kind: str) -> Iterator[Node]:
    """The bodies of every node of type ``kind`` below ``value``."""
    return (body for node_kind, body in walk(value) if node_kind == kind)


def strings(items: list[Node] | None) -> list[str]:
    """A list of ``String`` nodes as Python strings."""
    return [i["String"]["sval"] for i in items or () if "String" in i]


def relation(rangevar: Node | None) -> str:
    """A ``RangeVar`` as ``schema.name`` or ``name``, lower-cased as the server folds it."""
    if not rangevar:
        return ""
    name = rangevar.get("relname", "")
    schema = rangevar.get("schemaname")
    return f"{schema}.{name}" if schema else name


def type_name(node: Node | None) -> str:
    """A ``TypeName`` as its bare name (``int8``, ``varchar``, ``timestamptz``)."""
    if not node:
        return ""
    names = strings(node.get("names"))
    return names[-1].lower() if names else ""


def type_mods(node: Node | None) -> list[int]:
    """The integer modifiers of a ``TypeName`` (``varchar(20)`` -> ``[20]``)."""
    mods = []
    for mod in (node or {}).get("typmods") or ():
        const = mod.get("A_Const", {})
        if "ival" in const:
            mods.append(int(const["ival"].get("ival", 0)))
    return mods


def is_array(node: Node | None) -> bool:
    """Whether a ``TypeName`` is an array type."""
    return bool((node or {}).get("arrayBounds"))


def function_names(value: Any) -> list[str]:
    """The bare names of every function called below ``value``."""
    return [strings(call.get("funcname"))[-1].lower() for call in find(value, "FuncCall")]


def alter_commands(body: Node) -> list[Node]:
    """The ``AlterTableCmd`` bodies of an ``AlterTableStmt``."""
    return [c["AlterTableCmd"] for c in body.get("cmds") or () if "AlterTableCmd" in c]


def column_constraints(column: Node) -> list[Node]:
    """The ``Constraint`` bodies of a ``ColumnDef``."""
    return [c["Constraint"] for c in column.get("constraints") or () if "Constraint" in c]


def const_value(node: Node | None) -> str | None:
    """An ``A_Const`` (or a string ``A_Const`` in a list) as text."""
    if not node:
        return None
    const = node.get("A_Const", node)
    for key, inner in (("sval", "sval"), ("ival", "ival"), ("fval", "fval")):
        if key in const:
            return str(const[key].get(inner, 0))
    if "boolval" in const:
        return "true" if const["boolval"].get("boolval") else "false"
    return None


def added_columns(body: Node) -> list[Node]:
    """The ``ColumnDef`` bodies an ``AlterTableStmt`` adds (``ADD COLUMN``)."""
    return [
        cmd["def"]["ColumnDef"]
        for cmd in alter_commands(body)
        if cmd.get("subtype") == "AT_AddColumn" and "ColumnDef" in (cmd.get("def") or {})
    ]


def added_constraints(body: Node) -> list[Node]:
    """The ``Constraint`` bodies an ``AlterTableStmt`` adds (``ADD CONSTRAINT``)."""
    return [
        cmd["def"]["Constraint"]
        for cmd in alter_commands(body)
        if cmd.get("subtype") == "AT_AddConstraint" and "Constraint" in (cmd.get("def") or {})
    ]


def commands_of(body: Node, subtype: str) -> list[Node]:
    """The ``AlterTableCmd`` bodies of one subtype (``AT_DropColumn``, ...)."""
    return [cmd for cmd in alter_commands(body) if cmd.get("subtype") == subtype]


def altered_table(stmt_node: str, body: Node) -> str | None:
    """The table an ``ALTER TABLE`` changes (None for other statements and other objects)."""
    if stmt_node != "AlterTableStmt" or body.get("objtype", "OBJECT_TABLE") != "OBJECT_TABLE":
        return None
    return relation(body.get("relation"))


def defined_columns(stmt_node: str, body: Node) -> list[tuple[str, Node]]:
    """``(name, ColumnDef)`` of every column a statement defines or retypes: the columns
    of ``CREATE TABLE``, ``ADD COLUMN`` and ``ALTER COLUMN ... TYPE``."""
    if stmt_node == "CreateStmt":
        return [
            (e["ColumnDef"].get("colname", "?"), e["ColumnDef"])
            for e in body.get("tableElts") or ()
            if "ColumnDef" in e
        ]
    if stmt_node != "AlterTableStmt":
        return []
    found = [(c.get("colname", "?"), c) for c in added_columns(body)]
    for cmd in alter_commands(body):
        if cmd.get("subtype") == "AT_AlterColumnType" and "ColumnDef" in (cmd.get("def") or {}):
            found.append((cmd.get("name", "?"), cmd["def"]["ColumnDef"]))
    return found
