"""BEGIN, COMMIT and ROLLBACK in a migration fight the transaction pgshift runs it in.

## Problem

pgshift runs each migration in a transaction of its own and records it in the
same transaction. A `COMMIT` in the file ends that transaction early, so a later
failure leaves the migration half applied and unrecorded; a `BEGIN` without
`COMMIT` leaves work that is never committed; `ROLLBACK` throws the work away
while the migration counts as applied. `pgshift migrate` refuses such a file.

A `COMMIT` or `ROLLBACK` in PL/pgSQL code (a `DO` block, or a procedure of the
file that a `CALL` runs) fails inside a transaction block: "invalid transaction
termination" (SQLSTATE 2D000). In a migration that runs in a transaction,
`pgshift migrate` refuses the file before running any of it (lint reports it as
`migrate-refuses`). Some fail wherever they run, and this rule reports those:

- inside a `BEGIN ... EXCEPTION ... END` block (a subtransaction): "cannot commit
  while a subtransaction is active";
- in a procedure created with a `SET` clause or `SECURITY DEFINER`, or in one
  called from such a procedure or from inside an `EXCEPTION` block: "invalid
  transaction termination".

A `CALL` of a procedure the file does not create is not judged: its code is not
known.

## Solution

Remove the transaction control: the file is already one transaction. For
statements that must commit one by one (a batched backfill), use
`-- pgshift:no-transaction`: pgshift then runs a `DO` block or a `CALL` that commits
outside a transaction, where its `COMMIT`s work. Keep each `COMMIT` out of blocks
with an `EXCEPTION` clause (catch errors in an inner block that does not commit),
and out of procedures with `SET` or `SECURITY DEFINER` (set the value with
`SET LOCAL` inside instead).

## Examples

```sql bad line=1,3 severity=error safe="-- pgshift:no-transaction"
BEGIN;
ALTER TABLE users ADD COLUMN plan text;
COMMIT;
```

```sql bad line=2 severity=error safe="-- pgshift:no-transaction"
ALTER TABLE users ADD COLUMN plan text;
SAVEPOINT before_backfill;
```

```sql bad line=5 severity=error safe="Move the COMMIT"
-- pgshift:no-transaction
DO $$
BEGIN
  UPDATE users SET plan = 'free' WHERE id < 1000;
  COMMIT;
EXCEPTION WHEN lock_not_available THEN
  RAISE NOTICE 'skipped';
END
$$;
```

```sql bad line=8 severity=error safe="SECURITY DEFINER"
-- pgshift:no-transaction
CREATE PROCEDURE backfill() LANGUAGE plpgsql SET search_path = app AS $$
BEGIN
  UPDATE users SET plan = 'free' WHERE id < 1000;
  COMMIT;
END
$$;
CALL backfill();
```

```sql good
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
-- pgshift:no-transaction
ALTER TABLE users ADD COLUMN plan text;
```

```sql good
-- pgshift:no-transaction
DO $$
BEGIN
  FOR first IN 0..9000 BY 1000 LOOP
    BEGIN
      UPDATE users SET plan = 'free' WHERE id >= first AND id < first + 1000;
    EXCEPTION WHEN lock_not_available THEN
      RAISE NOTICE 'skipped %', first;
    END;
    COMMIT;
  END LOOP;
END
$$;
```

```sql good
-- pgshift:no-transaction
CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users SET plan = 'free' WHERE id < 1000;
  COMMIT;
END
$$;
CALL backfill();
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pgshift.lint.context import Context, Stmt
from pgshift.lint.model import Hit, Rule, Severity
from pgshift.migrations.transaction_block import FileFacts, Reached


def check(stmt: Stmt, ctx: Context) -> Iterator[Hit]:
    if stmt.node == "TransactionStmt":
        verb = stmt.first_line.split()[0].upper().rstrip(";")
        yield Hit(
            f"{verb} in a migration: pgshift already runs the file in one transaction and "
            "records it in that transaction; this breaks both.",
            "Remove the transaction control; use -- pgshift:no-transaction for statements that "
            "must commit one by one.",
        )
        return
    failing = [r for r in _reached(stmt, ctx) if r.fails]
    if failing:
        yield _fails(stmt, ctx, failing[0])


def _reached(stmt: Stmt, ctx: Context) -> tuple[Reached, ...]:
    """The COMMITs and ROLLBACKs a DO block or a CALL reaches, as migrate read them when
    it split the file (knowing the procedures the file created before it)."""
    if stmt.source is not None:
        return stmt.source.reached
    return tuple(FileFacts().reached(stmt.node, stmt.body, stmt.sql))  # a DO block alone


def _fails(stmt: Stmt, ctx: Context, reached: Reached) -> Hit:
    verb = reached.control.verb
    offset = 0
    if reached.procedure is None:
        where = f"this DO block's {verb}"
        offset = _line_offset(stmt, reached.control.line)
    else:
        where = f"the {verb} of procedure {reached.procedure} (created above in this file)"
    if reached.subtransaction:
        why = (
            "is inside a BEGIN ... EXCEPTION block, a subtransaction: PostgreSQL fails when it "
            "gets there (cannot commit while a subtransaction is active, SQLSTATE 2D000)"
        )
        safe = (
            f"Move the {verb} out of the block with the EXCEPTION clause (catch errors in an "
            "inner block that does not commit)"
        )
    else:
        why = (
            "runs where PostgreSQL refuses transaction control (inside an EXCEPTION block, or "
            "in a procedure with a SET clause or SECURITY DEFINER, or called from one): it "
            "fails when it gets there (invalid transaction termination, SQLSTATE 2D000)"
        )
        safe = (
            f"Call the procedure that runs the {verb} outside any EXCEPTION block, and drop "
            "SET and SECURITY DEFINER from the procedures on the way (use SET LOCAL inside)"
        )
    if ctx.transactional:
        why += (
            ", and inside this migration's transaction it fails anyway: pgshift migrate "
            "refuses the file"
        )
        safe += ", and put it in a migration whose first line is -- pgshift:no-transaction"
    return Hit(f"{where} {why}.", safe + ".", line_offset=offset)


def _line_offset(stmt: Stmt, code_line: int) -> int:
    """Lines from the statement's first line to line ``code_line`` of its PL/pgSQL code."""
    code = next(
        (
            (a.get("DefElem", {}).get("arg") or {}).get("String", {}).get("sval")
            for a in stmt.body.get("args") or ()
            if a.get("DefElem", {}).get("defname") == "as"
        ),
        None,
    )
    at = stmt.sql.find(code) if isinstance(code, str) and code else -1
    if at < 0 or code_line < 1:
        return 0  # a quoted body with escapes: its own text is not in the statement
    return stmt.sql.count("\n", 0, at) + code_line - 1


RULE = Rule(
    "transaction-control-in-file",
    "transactions",
    Severity.ERROR,
    "BEGIN, COMMIT and ROLLBACK in a migration fight the transaction pgshift runs it in.",
    check,
    nodes=frozenset({"TransactionStmt", "DoStmt", "CallStmt"}),
    doc=__doc__ or "",
    speaks_for_migrate=True,
)
