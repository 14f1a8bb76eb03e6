"""A no-transaction migration of several statements should survive being run again.

## Problem

With `-- pgshift:no-transaction` each statement commits on its own. If the
migration stops part-way (a lock timeout, a lost connection), the statements
before the failure stay done. pgshift resumes after the last one it recorded: it
records a statement that runs in a transaction in that same transaction, and,
after a crash, checks whether a named concurrent index build or drop it had not
recorded was done. So what runs a statement a second time is the file run again
from the start (by hand, or by a tool without pgshift's journal), or, for a
statement that runs outside a transaction and that pgshift cannot check, its
resume. Run again:

- a `CREATE` without `IF NOT EXISTS`, a `DROP` without `IF EXISTS`, an `ALTER
  TABLE ... ADD COLUMN` without `IF NOT EXISTS`, `DROP COLUMN` or `DROP
  CONSTRAINT` without `IF EXISTS`, fails: the object is there (or gone) already;
- `ALTER TABLE ... ADD CONSTRAINT name` fails ("already exists"; there is no `IF
  NOT EXISTS` for it), and so does an unnamed `ADD PRIMARY KEY`; an unnamed `ADD
  CHECK`, `UNIQUE` or `FOREIGN KEY` does not fail: it adds a second, identical
  constraint;
- `CREATE INDEX` without a name does not fail either: it builds a second,
  identical index (`users_email_idx1` beside `users_email_idx`). pgshift cannot
  check an unnamed `CREATE INDEX CONCURRENTLY` after a crash, so that one is
  flagged even alone in its file.

Temporary tables and sequences are not flagged: a resumed run is a new session,
where they do not exist.

## Solution

Write each statement so it can run twice: `CREATE INDEX CONCURRENTLY IF NOT
EXISTS name`, `DROP INDEX CONCURRENTLY IF EXISTS`, `ADD COLUMN IF NOT EXISTS`,
`DROP COLUMN IF EXISTS`, `DROP CONSTRAINT IF EXISTS`. For a constraint, drop it
and add it in one statement, `ALTER TABLE t DROP CONSTRAINT IF EXISTS c, ADD
CONSTRAINT c ...`: it runs twice (the second time it checks the rows again, or
rebuilds a unique index, under the table's lock; add a CHECK or FOREIGN KEY NOT
VALID and validate it after, to keep that short), or add it in a `DO` block that
looks in `pg_constraint` first. Or keep one statement per no-transaction
migration.

## Differs from squawk

squawk's `prefer-robust-stmts` asks for `IF NOT EXISTS` on a file's only `CREATE
INDEX CONCURRENTLY`, and for a transaction around some statements. pgshift's own
runner journals each statement of a no-transaction file, so a resumed run never
repeats one that finished, and it drops an `INVALID` index left by a failed build
before retrying: a named build without `IF NOT EXISTS` is the safe form there (with
`IF NOT EXISTS` an invalid leftover would be kept). A pair `DROP CONSTRAINT IF
EXISTS c` then `ADD CONSTRAINT c`, or both in one statement, runs twice, and is not
flagged.

## Examples

```sql bad line=2,3 severity=warning safe="IF NOT EXISTS"
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
```

```sql bad line=2,3 severity=warning safe="IF NOT EXISTS"
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY users_n_idx;
ALTER TABLE users ADD COLUMN plan text;
```

```sql bad line=2 severity=warning safe="CREATE INDEX CONCURRENTLY IF NOT EXISTS"
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY ON users (email);
```

```sql bad line=2,3 severity=warning safe="DROP COLUMN IF EXISTS|DROP CONSTRAINT IF EXISTS"
-- pgshift:no-transaction
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users ADD CONSTRAINT users_plan_check CHECK (plan <> '') NOT VALID;
```

```sql good
-- pgshift:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_n_idx;
ALTER TABLE users ADD COLUMN IF NOT EXISTS plan text;
```

```sql good
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
```

```sql good
-- pgshift:no-transaction
SET max_parallel_maintenance_workers = 0;
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
```

```sql good
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX users_email_idx ON users (email);
```

```sql good
-- pgshift:no-transaction
ALTER TABLE users DROP COLUMN IF EXISTS legacy;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_plan_check,
  ADD CONSTRAINT users_plan_check CHECK (plan <> '') NOT VALID;
```

```sql good
-- pgshift:no-transaction
CREATE TEMP TABLE batch_ids (id bigint) ON COMMIT DROP;
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.tree import Node, alter_commands, relation

_CREATES = {
    "CreateStmt": "if_not_exists",
    "IndexStmt": "if_not_exists",
    "CreateSeqStmt": "if_not_exists",
    "CreateSchemaStmt": "if_not_exists",
    "CreateExtensionStmt": "if_not_exists",
    "CreateTableAsStmt": "if_not_exists",
}

# where each kind of CREATE keeps the relation it creates (to tell a temporary one)
_RELATION = {"CreateStmt": ("relation",), "CreateSeqStmt": ("sequence",)}

# pgshift's resume skips what it recorded (a statement that runs in a transaction is
# recorded in it): what runs it again is the file run again from the start
_AGAIN = (
    "in a no-transaction migration each statement commits alone, and the statements before a "
    "failure stay done: run again from the start (by hand, or by a tool without pgshift's "
    "journal of what was done)"
)
_FAILS = f"{_AGAIN}, this fails at the step already done"
_SAFE = (
    "Make it repeatable (IF NOT EXISTS / IF EXISTS), or give each statement a no-transaction "
    "migration of its own."
)


def _temporary(stmt: Stmt) -> bool:
    """Whether the statement creates a temporary table or sequence: a resumed run is a new
    session, where it does not exist yet."""
    body = stmt.body
    if stmt.node == "CreateTableAsStmt":
        rel: Node = (body.get("into") or {}).get("rel") or {}
    else:
        rel = body.get(_RELATION.get(stmt.node, ("",))[0]) or {}
    return rel.get("relpersistence") == "t"


def _index_name(body: Node) -> str | None:
    """The name PostgreSQL gives an unnamed index on plain columns (table, columns,
    ``idx``); None for an expression, whose part of the name depends on the expression."""
    columns = [e.get("IndexElem", {}).get("name") for e in body.get("indexParams") or ()]
    table = (body.get("relation") or {}).get("relname")
    if not table or not columns or not all(columns):
        return None
    name = "_".join([table, *(str(c) for c in columns), "idx"])
    return name if len(name) < 63 else None  # longer ones are cut short


def _duplicate(body: Node) -> tuple[str, str]:
    """What an unnamed index built again is called, and the name to give it."""
    name = _index_name(body)
    if name is None:
        return "", "<name>"
    return f" ({name}1 beside {name})", name


def _dropped_first(commands: list[Node], index: int, name: str) -> bool:
    """Whether an earlier command of the same ALTER TABLE drops constraint ``name`` (so
    adding it again runs twice: the statement is all or nothing, and a second run finds
    the constraint the first one added, to drop)."""
    return any(
        c.get("subtype") == "AT_DropConstraint" and c.get("name") == name for c in commands[:index]
    )


def _added_again(commands: list[Node], index: int, name: str) -> bool:
    """Whether a later command of the same ALTER TABLE adds constraint ``name`` back (so
    a second run finds it to drop: the statement runs twice)."""
    return any(
        c.get("subtype") == "AT_AddConstraint"
        and ((c.get("def") or {}).get("Constraint") or {}).get("conname") == name
        for c in commands[index + 1 :]
    )


def _dropped_before(stmt: Stmt, ctx: Context) -> set[str]:
    """The constraints of the statement's table that earlier statements of the file drop
    IF EXISTS: adding one of them again after such a drop runs twice."""
    table = relation(stmt.body.get("relation"))
    dropped: set[str] = set()
    for earlier in ctx.statements[: stmt.index]:
        if earlier.node != "AlterTableStmt" or relation(earlier.body.get("relation")) != table:
            continue
        for cmd in alter_commands(earlier.body):
            if cmd.get("subtype") == "AT_DropConstraint" and cmd.get("missing_ok"):
                dropped.add(cmd.get("name", ""))
    return dropped


def _alter_table(stmt: Stmt, ctx: Context) -> Iterator[tuple[str, str]]:
    """``(message, safe)`` for each ALTER TABLE command that does not survive running twice."""
    commands = alter_commands(stmt.body)
    table = relation(stmt.body.get("relation")) or "t"
    for index, cmd in enumerate(commands):
        subtype = cmd.get("subtype")
        if subtype == "AT_AddColumn" and not cmd.get("missing_ok"):
            yield (
                f"{_FAILS} (column already exists, SQLSTATE 42701).",
                "Write ADD COLUMN IF NOT EXISTS, or give each statement a no-transaction "
                "migration of its own.",
            )
        elif subtype == "AT_DropColumn" and not cmd.get("missing_ok"):
            yield (
                f"{_FAILS} (column {cmd.get('name', '')} does not exist, SQLSTATE 42703).",
                f"Write ALTER TABLE {table} DROP COLUMN IF EXISTS {cmd.get('name', '')}.",
            )
        elif (
            subtype == "AT_DropConstraint"
            and not cmd.get("missing_ok")
            and not _added_again(commands, index, cmd.get("name", ""))
        ):
            yield (
                f"{_FAILS} (constraint {cmd.get('name', '')} does not exist, SQLSTATE 42704).",
                f"Write ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {cmd.get('name', '')}.",
            )
        elif subtype == "AT_AddConstraint":
            name = ((cmd.get("def") or {}).get("Constraint") or {}).get("conname")
            if name and name in _dropped_before(stmt, ctx):
                continue
            yield from _add_constraint(cmd, commands, index, table)


def _add_constraint(
    cmd: Node, commands: list[Node], index: int, table: str
) -> Iterator[tuple[str, str]]:
    constraint = (cmd.get("def") or {}).get("Constraint") or {}
    name = constraint.get("conname")
    kind = constraint.get("contype", "")
    if name:
        if _dropped_first(commands, index, name):
            return
        if kind == "CONSTR_PRIMARY":
            why = "multiple primary keys are not allowed, SQLSTATE 42P16"
        elif kind in ("CONSTR_UNIQUE", "CONSTR_EXCLUSION"):
            why = f"its index {name} already exists, SQLSTATE 42P07"
        else:
            why = f"constraint {name} already exists, SQLSTATE 42710"
        yield (
            f"{_FAILS} ({why}); ADD CONSTRAINT has no IF NOT EXISTS.",
            f"Drop it and add it in one statement: ALTER TABLE {table} DROP CONSTRAINT IF "
            f"EXISTS {name}, ADD CONSTRAINT {name} ... (or add it in a DO block that looks in "
            "pg_constraint first).",
        )
    elif kind == "CONSTR_PRIMARY":
        yield (
            f"{_FAILS} (multiple primary keys are not allowed, SQLSTATE 42P16).",
            f"Name it and drop it and add it in one statement: ALTER TABLE {table} DROP "
            "CONSTRAINT IF EXISTS name, ADD CONSTRAINT name PRIMARY KEY ...",
        )
    elif kind in ("CONSTR_CHECK", "CONSTR_UNIQUE", "CONSTR_FOREIGN", "CONSTR_EXCLUSION"):
        yield (
            f"{_AGAIN}, this unnamed constraint does not fail: PostgreSQL adds a second, "
            "identical one beside the first.",
            f"Name it and drop it and add it in one statement: ALTER TABLE {table} DROP "
            "CONSTRAINT IF EXISTS name, ADD CONSTRAINT name ...",
        )


def _findings(stmt: Stmt, ctx: Context) -> Iterator[tuple[str, str]]:
    """``(message, safe)`` for what does not survive running twice (a several-statement
    file: the statements before a failure stay done)."""
    body = stmt.body
    if stmt.node == "IndexStmt" and not body.get("idxname"):
        second, name = _duplicate(body)
        yield (
            f"{_AGAIN}, this index without a name does not fail: PostgreSQL builds a second, "
            f"identical index{second}.",
            f"Name it and add IF NOT EXISTS: CREATE INDEX IF NOT EXISTS {name} ON ...",
        )
    elif stmt.node in _CREATES:
        if not body.get(_CREATES[stmt.node]) and not _temporary(stmt):
            yield f"{_FAILS} (it exists already).", _SAFE
    elif stmt.node == "DropStmt":
        if not body.get("missing_ok"):
            yield f"{_FAILS} (it is gone already).", _SAFE
    elif stmt.node == "AlterTableStmt" and body.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE":
        yield from _alter_table(stmt, ctx)


def _work(stmt: Stmt, ctx: Context) -> bool:
    # a SET is re-run on a resume (the session that ran it is gone): it does not count
    return stmt.node != "VariableSetStmt"


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if ctx.transactional:
        return
    body = stmt.body
    if stmt.node == "IndexStmt" and body.get("concurrent") and not body.get("idxname"):
        # even alone: a build that finished but was not recorded (it runs outside a
        # transaction) runs again on a resume, and pgshift checks only an index it can name
        second, name = _duplicate(body)
        yield Hit(
            "CREATE INDEX CONCURRENTLY without a name: run again (resumed after the build "
            "finished but before pgshift recorded it, or the file run again from the start), "
            f"this does not fail: PostgreSQL builds a second, identical index{second}; pgshift "
            "checks for an index before building it again only by its name.",
            f"Name it and add IF NOT EXISTS: CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON ...",
        )
        return
    if len(ctx.where(_work)) < 2:
        return
    for message, safe in _findings(stmt, ctx):
        yield Hit(message, safe)


RULE = Rule(
    "non-idempotent-in-non-transactional",
    "transactions",
    Severity.WARNING,
    "A no-transaction migration of several statements should survive being run again.",
    check,
    doc=__doc__ or "",
)
