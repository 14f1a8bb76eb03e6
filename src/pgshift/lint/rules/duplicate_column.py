"""A column named twice where PostgreSQL wants it once: the statement always fails.

## Problem

PostgreSQL refuses a statement that names one column twice where each column may
appear once, whatever the data:

- `UPDATE ... SET`, `INSERT ... ON CONFLICT ... DO UPDATE SET` and `MERGE ... UPDATE
  SET` that assign a column twice ("multiple assignments to same column", SQLSTATE
  42601), and the column lists of `INSERT` and `MERGE ... INSERT` ("column specified
  more than once", 42701). Parts of one column are another matter: `SET a.x = 1, a.y
  = 2` (fields of a composite) and `SET b[1] = 1, b[2] = 2` (array elements) run, and
  so does `SET b[1] = 1, b[1] = 2` (the last one wins); what fails is a column set as
  a whole and set again, as a whole or in part (`SET b = '{}', b[1] = 1`).
- `CREATE TABLE`, `CREATE FOREIGN TABLE` and `CREATE TYPE ... AS` with two columns of
  one name, `ALTER TABLE` adding one column twice (the second `ADD COLUMN` finds it
  "already exists"; with `IF NOT EXISTS` it is skipped), and a primary key or unique
  constraint listing one column twice.
- A view, a materialized view, `CREATE TABLE ... AS` or `SELECT ... INTO` whose query
  makes two output columns of one name. A column without `AS` is named after its
  expression: `users.id` and `orders.id` are both `id`, `count(*)` is `count`, `1`
  and `a + b` are both `?column?`. A plain `SELECT` may return two columns of one
  name; a relation may not.
- `COPY` naming a column twice.

`CREATE TABLE IF NOT EXISTS` (with or without `AS`), `CREATE MATERIALIZED VIEW IF
NOT EXISTS` and `ALTER TABLE IF EXISTS` are not flagged: PostgreSQL skips them with a
notice, and does not fail, when the table already exists (or, for `IF EXISTS`, when
it does not).

## Solution

Name each column once: set it once, or set only its parts; give each output column
of a view or a new table its own name with `AS`.

## Examples

```sql bad line=1 severity=error safe="Set score once" fails=42601
UPDATE users SET score = 0, score = 1 WHERE id = 1;
```

```sql bad line=1 severity=error safe="Set name once" fails=42601
MERGE INTO users u USING (SELECT 1 AS id) s ON u.id = s.id
WHEN MATCHED THEN UPDATE SET name = 'a', name = 'b';
```

```sql bad line=1 severity=error safe="Name email once" fails=42701
INSERT INTO users (id, email, email) VALUES (1, 'a@example.com', 'b@example.com');
```

```sql bad line=1 severity=error safe="Set score once" fails=42601
INSERT INTO users (id, score) VALUES (1, 0)
ON CONFLICT (id) DO UPDATE SET score = 0, score = excluded.score;
```

```sql bad line=1 severity=error safe="own name with AS" fails=42701
CREATE VIEW user_orders AS
SELECT users.id, orders.id, orders.total FROM users JOIN orders ON orders.user_id = users.id;
```

```sql bad line=1 severity=error safe="own name with AS" fails=42701
CREATE TABLE totals AS SELECT 1, 2;
```

```sql bad line=1 severity=error safe="Add plan once" fails=42701
ALTER TABLE users ADD COLUMN plan text, ADD COLUMN plan text;
```

```sql good
UPDATE users SET address.city = 'Paris', address.zip = '75001' WHERE id = 1;
```

```sql good
UPDATE users SET tags[1] = 'new', tags[2] = 'old' WHERE id = 1;
```

```sql good
CREATE VIEW user_orders AS
SELECT users.id AS user_id, orders.id AS order_id
FROM users JOIN orders ON orders.user_id = users.id;
```

```sql good
SELECT users.id, orders.id FROM users JOIN orders ON orders.user_id = users.id;
```

```sql good
ALTER TABLE users ADD COLUMN plan text, ADD COLUMN IF NOT EXISTS plan text;
```
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from types import EllipsisType

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import Node, alter_commands, strings

# What an output column of a query is named: a name, None (unknown), or ... for a
# `*`, which stands for any number of columns, none included.
Output = str | None | EllipsisType
# FigureColname's guess: the name (None: "?column?") and how sure it is (0 to 2)
Guess = tuple[str | None, int]

_DML = frozenset({"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"})


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    yield from _statement(stmt.node, stmt.body)


def _statement(kind: str, body: Node) -> Iterator[Hit]:
    # a data-modifying WITH query is analysed, and fails, with the statement
    for cte in (body.get("withClause") or {}).get("ctes") or ():
        query = _node(cte.get("CommonTableExpr", {}).get("ctequery"))
        if query is not None and query[0] in _DML:
            yield from _statement(*query)
    if kind == "UpdateStmt":
        yield from _assigned("UPDATE", body.get("targetList"))
    elif kind == "InsertStmt":
        yield from _listed("INSERT", body.get("cols"))
        conflict = body.get("onConflictClause") or {}
        yield from _assigned("ON CONFLICT ... DO UPDATE", conflict.get("targetList"))
    elif kind == "MergeStmt":
        for item in body.get("mergeWhenClauses") or ():
            clause = item.get("MergeWhenClause", {})
            if clause.get("commandType") == "CMD_UPDATE":
                yield from _assigned("MERGE ... UPDATE", clause.get("targetList"))
            elif clause.get("commandType") == "CMD_INSERT":
                yield from _listed("MERGE ... INSERT", clause.get("targetList"))
    elif kind in ("CreateStmt", "CreateForeignTableStmt"):
        table = body.get("base", body) if kind == "CreateForeignTableStmt" else body
        if not table.get("if_not_exists"):
            yield from _defined(table.get("tableElts"))
            yield from _keys(e.get("Constraint") for e in table.get("tableElts") or ())
    elif kind == "CompositeTypeStmt":
        yield from _defined(body.get("coldeflist"))
    elif kind == "AlterTableStmt" and not body.get("missing_ok"):
        yield from _added(body)
        commands = alter_commands(body)
        yield from _keys((c.get("def") or {}).get("Constraint") for c in commands)
    elif kind == "ViewStmt":
        yield from _outputs("CREATE VIEW", strings(body.get("aliases")), body.get("query"))
    elif kind == "CreateTableAsStmt" and not body.get("if_not_exists"):
        into = body.get("into") or {}
        matview = body.get("objtype") == "OBJECT_MATVIEW"
        what = "CREATE MATERIALIZED VIEW" if matview else "CREATE TABLE ... AS"
        yield from _outputs(what, strings(into.get("colNames")), body.get("query"))
    elif kind == "SelectStmt" and _leftmost(body).get("intoClause"):
        yield from _outputs("SELECT ... INTO", [], {"SelectStmt": body})
    elif kind == "CopyStmt":
        for name in _twice(strings(body.get("attlist"))):
            yield Hit(
                f"COPY names the column {name} more than once: PostgreSQL refuses it "
                f'(column "{name}" specified more than once), so the statement fails.',
                "Name each column once in COPY's column list.",
            )
    elif kind == "CreateSchemaStmt" and not body.get("if_not_exists"):
        for element in body.get("schemaElts") or ():
            inner = _node(element)
            if inner is not None:
                yield from _statement(*inner)


def _node(value: object) -> tuple[str, Node] | None:
    """``{"Type": {...}}`` as ``("Type", {...})``; None for anything else."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, body),) = value.items()
        if isinstance(kind, str) and isinstance(body, dict):
            return kind, body
    return None


def _twice(names: Iterable[str]) -> list[str]:
    """The names given more than once, in the order they first come."""
    counts = Counter(names)
    return [name for name, count in counts.items() if count > 1]


def _targets(items: list[Node] | None) -> list[tuple[str, bool]]:
    """The ``(column, whole)`` of a SET list or an INSERT column list: ``whole`` is False
    for a part of the column (``a.x``, ``a[1]``)."""
    found = []
    for item in items or ():
        target = item.get("ResTarget", {})
        if isinstance(target.get("name"), str):
            found.append((target["name"], not target.get("indirection")))
    return found


def _conflicts(items: list[Node] | None) -> list[tuple[str, int]]:
    """The columns named more than once where at least once as a whole, with how often.

    Both checks in PostgreSQL (the rewriter's process_matched_tle for SET lists,
    checkInsertTargets for INSERT column lists) let any number of parts of a column be
    assigned, the very same part included, but nothing else with the whole column."""
    targets = _targets(items)
    counts = Counter(name for name, _ in targets)
    wholes = {name for name, whole in targets if whole}
    return [(name, count) for name, count in counts.items() if count > 1 and name in wholes]


def _assigned(what: str, items: list[Node] | None) -> Iterator[Hit]:
    for name, count in _conflicts(items):
        yield Hit(
            f"{what} sets {name} {count} times, at least once as a whole column: PostgreSQL "
            f'refuses it (multiple assignments to same column "{name}"), so the statement '
            "fails.",
            f"Set {name} once, or set only parts of it (SET {name}.field = ..., {name}[1] = ...).",
        )


def _listed(what: str, items: list[Node] | None) -> Iterator[Hit]:
    for name, count in _conflicts(items):
        yield Hit(
            f"{what} names the column {name} {count} times, at least once as a whole column: "
            f'PostgreSQL refuses it (column "{name}" specified more than once), so the '
            "statement fails.",
            f"Name {name} once in the column list, or name only parts of it.",
        )


def _defined(elements: list[Node] | None) -> Iterator[Hit]:
    columns = [e["ColumnDef"].get("colname", "") for e in elements or () if "ColumnDef" in e]
    for name in _twice(columns):
        yield Hit(
            f"this defines the column {name} more than once: PostgreSQL refuses it "
            f'(column "{name}" specified more than once), so the statement fails.',
            f"Define {name} once.",
        )


def _added(body: Node) -> Iterator[Hit]:
    added: set[str] = set()
    for command in alter_commands(body):
        column = (command.get("def") or {}).get("ColumnDef")
        if command.get("subtype") != "AT_AddColumn" or not column:
            continue
        name = column.get("colname", "")
        # ADD COLUMN IF NOT EXISTS of a column added before is skipped with a notice
        if name in added and not command.get("missing_ok"):
            yield Hit(
                f"this adds the column {name} twice: the second ADD COLUMN fails (column "
                f'"{name}" already exists), and the statement with it.',
                f"Add {name} once.",
            )
        added.add(name)


_KEYS = {"CONSTR_PRIMARY": "primary key", "CONSTR_UNIQUE": "unique"}


def _keys(constraints: Iterable[Node | None]) -> Iterator[Hit]:
    for constraint in constraints:
        kind = _KEYS.get((constraint or {}).get("contype", ""))
        if constraint is None or kind is None:
            continue
        for name in _twice(strings(constraint.get("keys"))):
            yield Hit(
                f"the {kind} constraint lists the column {name} twice: PostgreSQL refuses it "
                f'(column "{name}" appears twice in {kind} constraint), so the statement fails.',
                f"List {name} once in the constraint.",
            )


def _outputs(what: str, aliases: list[str], query: Node | None) -> Iterator[Hit]:
    outputs = _columns(query) or []
    names: list[str] = list(aliases)
    # the column list names the first columns; a `*` among them (which may stand for
    # no column at all) leaves unknown which of the others come after the list
    if ... not in outputs[: len(aliases)]:
        names += [o for o in outputs[len(aliases) :] if isinstance(o, str)]
    for name in _twice(names):
        yield Hit(
            f"{what} makes more than one column named {name}: a view or a table cannot have "
            f'two columns of one name, PostgreSQL refuses it (column "{name}" specified more '
            "than once), and the statement fails.",
            "Give each output column its own name with AS (a column without AS is named after "
            "its expression: its column, its function, or ?column?).",
        )


def _leftmost(select: Node) -> Node:
    """The first SELECT of a UNION, INTERSECT or EXCEPT, which names its columns."""
    for _ in range(10_000):  # bounded: a tree is finite, but a rule must never hang
        if select.get("op", "SETOP_NONE") == "SETOP_NONE":
            break
        larg = select.get("larg")
        if not isinstance(larg, dict):
            break
        select = larg.get("SelectStmt", larg)
    return select


def _columns(query: Node | None) -> list[Output] | None:
    """The names of a query's output columns, as PostgreSQL gives them; None if unknown."""
    found = _node(query)
    if found is None or found[0] != "SelectStmt":
        return None
    select = _leftmost(found[1])
    values = select.get("valuesLists")
    if values:
        first = _node(values[0])
        width = len(first[1].get("items") or ()) if first else 0
        return [f"column{n}" for n in range(1, width + 1)]
    outputs: list[Output] = []
    for item in select.get("targetList") or ():
        target = item.get("ResTarget", {})
        if isinstance(target.get("name"), str):
            outputs.append(target["name"])
            continue
        value = _node(target.get("val"))
        if value is not None and _is_star(*value):
            outputs.append(...)
            continue
        guess = _figure(target.get("val"))
        outputs.append(None if guess is None else guess[0] or "?column?")
    return outputs


def _is_star(kind: str, body: Node) -> bool:
    """Whether a SELECT list item is ``*``, ``t.*`` or ``(x).*``, which are expanded."""
    parts = body.get("fields") if kind == "ColumnRef" else body.get("indirection")
    if kind not in ("ColumnRef", "A_Indirection") or not parts:
        return False
    return isinstance(parts[-1], dict) and "A_Star" in parts[-1]


def _last_string(items: list[Node] | None) -> str | None:
    names = strings(items)
    return names[-1] if names else None


_NAMED = {
    "GroupingFunc": "grouping",
    "A_ArrayExpr": "array",
    "RowExpr": "row",
    "CoalesceExpr": "coalesce",
    "XmlSerialize": "xmlserialize",
}
_SUBLINKS = {"EXISTS_SUBLINK": "exists", "ARRAY_SUBLINK": "array"}
_MINMAX = {"IS_GREATEST": "greatest", "IS_LEAST": "least"}
_VALUE_FUNCTIONS = {
    "SVFOP_CURRENT_DATE": "current_date",
    "SVFOP_CURRENT_TIME": "current_time",
    "SVFOP_CURRENT_TIME_N": "current_time",
    "SVFOP_CURRENT_TIMESTAMP": "current_timestamp",
    "SVFOP_CURRENT_TIMESTAMP_N": "current_timestamp",
    "SVFOP_LOCALTIME": "localtime",
    "SVFOP_LOCALTIME_N": "localtime",
    "SVFOP_LOCALTIMESTAMP": "localtimestamp",
    "SVFOP_LOCALTIMESTAMP_N": "localtimestamp",
    "SVFOP_CURRENT_ROLE": "current_role",
    "SVFOP_CURRENT_USER": "current_user",
    "SVFOP_USER": "user",
    "SVFOP_SESSION_USER": "session_user",
    "SVFOP_CURRENT_CATALOG": "current_catalog",
    "SVFOP_CURRENT_SCHEMA": "current_schema",
}
_XML = {
    "IS_XMLCONCAT": "xmlconcat",
    "IS_XMLELEMENT": "xmlelement",
    "IS_XMLFOREST": "xmlforest",
    "IS_XMLPARSE": "xmlparse",
    "IS_XMLPI": "xmlpi",
    "IS_XMLROOT": "xmlroot",
    "IS_XMLSERIALIZE": "xmlserialize",
}
# expressions PostgreSQL does not name: their column is "?column?"
_NAMELESS = frozenset({"BoolExpr", "NullTest", "BooleanTest"})


def _figure(value: object, depth: int = 0) -> Guess | None:
    """PostgreSQL's FigureColname for a SELECT list expression (parse_target.c), or None
    where pgshift does not know the name for sure (for every server version)."""
    found = _node(value)
    if found is None or depth > 100:
        return None
    kind, body = found
    if kind == "ColumnRef":
        name = _last_string(body.get("fields"))
        return (name, 2) if name else (None, 0)
    if kind == "A_Indirection":
        name = _last_string(body.get("indirection"))
        return (name, 2) if name else _figure(body.get("arg"), depth + 1)
    if kind == "FuncCall":
        # trim(), extract(), AT TIME ZONE...: named after the function they become,
        # which has changed between versions (extract was date_part before 14)
        if body.get("funcformat") == "COERCE_SQL_SYNTAX":
            return None
        name = _last_string(body.get("funcname"))
        return (name, 2) if name else None
    if kind == "A_Expr":
        return ("nullif", 2) if body.get("kind") == "AEXPR_NULLIF" else (None, 0)
    if kind == "TypeCast":
        inner = _figure(body.get("arg"), depth + 1)
        type_name = _last_string((body.get("typeName") or {}).get("names"))
        if inner is not None and inner[1] <= 1 and type_name:
            return (type_name, 1)
        return inner
    if kind == "CollateClause":
        return _figure(body.get("arg"), depth + 1)
    if kind == "CaseExpr":
        default = body.get("defresult")
        inner = _figure(default, depth + 1) if default else (None, 0)
        if inner is not None and inner[1] <= 1:
            return ("case", 1)
        return inner
    if kind == "SubLink":
        link = body.get("subLinkType")
        if link in _SUBLINKS:
            return (_SUBLINKS[link], 2)
        if link == "EXPR_SUBLINK":
            first = (_columns(body.get("subselect")) or [None])[0]
            return (first, 2) if isinstance(first, str) else None
        return (None, 0)
    if kind in _NAMED:
        return (_NAMED[kind], 2)
    if kind == "MinMaxExpr":
        return (_MINMAX[body["op"]], 2) if body.get("op") in _MINMAX else None
    if kind == "SQLValueFunction":
        op = body.get("op")
        return (_VALUE_FUNCTIONS[op], 2) if op in _VALUE_FUNCTIONS else None
    if kind == "XmlExpr":
        op = body.get("op")
        return (_XML[op], 2) if op in _XML else (None, 0) if op == "IS_DOCUMENT" else None
    if kind == "A_Const":
        # true and false were a cast to bool, so named "bool", before PostgreSQL 15
        return None if "boolval" in body else (None, 0)
    if kind in _NAMELESS:
        return (None, 0)
    return None


RULE = Rule(
    "duplicate-column",
    "transactions",
    Severity.ERROR,
    "A column named twice where PostgreSQL wants it once: the statement always fails.",
    check,
    nodes=frozenset(
        {
            "UpdateStmt",
            "InsertStmt",
            "DeleteStmt",
            "MergeStmt",
            "SelectStmt",
            "CreateStmt",
            "CreateForeignTableStmt",
            "CompositeTypeStmt",
            "AlterTableStmt",
            "ViewStmt",
            "CreateTableAsStmt",
            "CopyStmt",
            "CreateSchemaStmt",
        }
    ),
    doc=__doc__ or "",
)
