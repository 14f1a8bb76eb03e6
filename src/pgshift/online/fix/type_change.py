"""An online column type change, for ``pgshift fix``: expand, backfill, swap.

``ALTER COLUMN c TYPE bigint`` rewrites the table under an ACCESS EXCLUSIVE lock.
The rewrite here adds a column of the new type that a trigger keeps in step with
``c``, fills the old rows in committed batches, builds the new column's indexes
concurrently and validates its constraints while writes go on, and then swaps the
two columns in one short transaction: the old column (with its indexes and
constraints) dropped, the new one renamed to ``c`` and given its default, NOT
NULL, keys, indexes and comment under their old names. The column ends as the
last of the table. It needs the live table (from the database) to know all that;
where the column has something the swap could not carry over, it says why and the
statement is left as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pgshift.online.fix.steps import NEW, OUTSIDE, SAME, Step, backfill, deparse, parse, quote

if TYPE_CHECKING:
    from pgshift.schema.model import Column, Schema, Table

SUFFIX = "__pgshift"  # the new column and the interim names of what is rebuilt on it


def _interim(name: str) -> str:
    return f"{name[: 63 - len(SUFFIX)]}{SUFFIX}"


def _rename_refs(node: Any, old: str, new: str) -> bool:
    """Point the column references (and index columns) to ``old`` at ``new``, in place."""
    from pglast import ast
    from pglast.visitors import Visitor

    changed = False

    class _Renamer(Visitor):
        def visit_ColumnRef(self, ancestors: Any, ref: Any) -> Any:
            nonlocal changed
            last = ref.fields[-1]
            if isinstance(last, ast.String) and last.sval == old:
                changed = True
                return ast.ColumnRef(
                    fields=(*ref.fields[:-1], ast.String(sval=new)), location=ref.location
                )
            return None

        def visit_IndexElem(self, ancestors: Any, elem: Any) -> None:
            nonlocal changed
            if elem.name == old:
                elem.name = new
                changed = True

        def visit_Constraint(self, ancestors: Any, constraint: Any) -> None:
            nonlocal changed
            for attr in ("fk_attrs", "keys", "including"):
                names = getattr(constraint, attr, None) or ()
                if any(n.sval == old for n in names):
                    setattr(
                        constraint,
                        attr,
                        tuple(ast.String(sval=new if n.sval == old else n.sval) for n in names),
                    )
                    changed = True

    _Renamer()(node)
    return changed


def _mentions(text: str | None, column: str) -> bool:
    return bool(text) and bool(
        re.search(rf'(?<![\w"]){re.escape(column)}(?!\w)|"{column}"', text or "")
    )


def _obstacle(schema: Schema, table: Table, column: Column) -> str | None:
    """Why the swap could not carry the column's dependents over, if it could not."""
    name = column.name
    if table.kind != "table" or table.partition_of or table.partition_key:
        return "only ordinary, unpartitioned tables are rewritten"
    if column.identity or column.generated:
        return "an identity or generated column"
    if any(c.name == _interim(name) for c in table.columns):
        return f"the table already has a column {_interim(name)}"
    for other, fk in schema.referencing(table):
        if name in fk.referenced_columns:
            return f"{other.qualified}.{fk.name} references it: change that first"
    for other in schema.tables:
        if table.qualified in other.depends_on and _mentions(other.definition, name):
            return f"the view {other.qualified} reads it"
    for col in table.columns:
        if col.generated and _mentions(col.generated, name):
            return f"the generated column {col.name} is computed from it"
    for constraint in table.constraints:
        if constraint.kind == "exclusion" and name in constraint.columns:
            return f"the exclusion constraint {constraint.name} covers it"
    for trigger in table.triggers:
        if _mentions(trigger.definition.split(" EXECUTE ")[0], name):
            return f"the trigger {trigger.name} names it"
    for policy in table.policies:
        if _mentions(policy.using, name) or _mentions(policy.check, name):
            return f"the policy {policy.name} names it"
    return None


def type_change_steps(
    schema: Schema | None, table_name: str, command: Any
) -> tuple[list[Step], str] | str:
    """The steps of an online ``ALTER COLUMN ... TYPE`` (``command``, a pglast
    ``AlterTableCmd``) and a summary, or why it is left as it is."""
    if schema is None:
        return "it needs the live table: run 'pgshift fix' with --url"
    table = schema.table(table_name)
    column = next((c for c in table.columns if c.name == command.name), None) if table else None
    if table is None or column is None:
        return f"{table_name}.{command.name} is not in the database"
    reason = _obstacle(schema, table, column)
    if reason:
        return reason
    from pgshift.schema.dump import ident, literal

    qualified = ident(table.schema, table.name)
    col, new = quote(column.name), quote(_interim(column.name))
    definition = command.def_
    new_type = deparse(definition.typeName)
    if definition.collClause is not None:
        new_type += " " + deparse(definition.collClause)
    if definition.raw_default is not None:
        # a USING expression that fails for a row would fail the application's writes
        # through the sync trigger
        return "it has a USING expression"
    function = ident(table.schema, _interim(f"sync_{table.name}_{column.name}"))
    trigger = quote(_interim(f"sync_{column.name}"))
    steps = [
        Step(f"ALTER TABLE {qualified} ADD COLUMN {new} {new_type}", SAME, "the new column"),
        Step(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  NEW.{new} := NEW.{col};\n  RETURN NEW;\nEND $$",
            SAME,
        ),
        Step(
            f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {qualified} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            SAME,
            "a trigger keeps it in step with every write from now on",
        ),
        Step(
            backfill(
                f"{table.schema}.{table.name}",
                qualified,
                f"{new} = {col}",
                f"{new} IS NULL AND {col} IS NOT NULL",
            ),
            OUTSIDE,
            "the old rows filled in committed batches",
        ),
    ]
    swap: list[str] = [f"DROP TRIGGER {trigger} ON {qualified}", f"DROP FUNCTION {function}()"]
    later: list[str] = []  # what the swap does after the rename
    adds: list[str] = []  # constraints on the new column, NOT VALID: one short transaction
    validations: list[str] = []  # then validated together while writes go on
    for index in table.indexes:
        tree = parse(index.definition)
        if not _rename_refs(tree, column.name, _interim(column.name)):
            continue
        tree.idxname = _interim(index.name)
        tree.concurrent = True
        tree.if_not_exists = False
        steps.append(Step(deparse(tree), OUTSIDE, f"{index.name} built again on the new column"))
        constraint = next((c for c in table.constraints if c.name == index.constraint), None)
        if constraint is not None and constraint.kind in ("primary key", "unique"):
            kind = "PRIMARY KEY" if constraint.kind == "primary key" else "UNIQUE"
            timing = " DEFERRABLE" if constraint.deferrable else ""
            timing += " INITIALLY DEFERRED" if constraint.deferred else ""
            later.append(
                f"ALTER TABLE {qualified} ADD CONSTRAINT {quote(constraint.name)} {kind} "
                f"USING INDEX {quote(_interim(index.name))}{timing}"
            )
        elif index.constraint is None:
            later.append(
                "-- pgshift:allow multiple-tables-locked (an index of the same table)\n"
                f"ALTER INDEX {ident(table.schema, _interim(index.name))} "
                f"RENAME TO {quote(index.name)}"
            )
        else:
            return f"the index {index.name} backs the constraint {index.constraint}"
        if index.comment:
            later.append(
                f"COMMENT ON INDEX {ident(table.schema, index.name)} IS {literal(index.comment)}"
            )
    for constraint in table.constraints:
        if constraint.kind not in ("check", "foreign key"):
            continue
        tree = parse(f"ALTER TABLE {qualified} ADD CONSTRAINT x {constraint.definition}")
        if not _rename_refs(tree, column.name, _interim(column.name)):
            continue
        interim = quote(_interim(constraint.name))
        added = tree.cmds[0].def_
        added.conname = _interim(constraint.name)
        added.skip_validation = True
        added.initially_valid = False
        adds.append(deparse(tree))
        if constraint.valid:
            validations.append(f"ALTER TABLE {qualified} VALIDATE CONSTRAINT {interim}")
        later.append(
            f"ALTER TABLE {qualified} RENAME CONSTRAINT {interim} TO {quote(constraint.name)}"
        )
    if not column.nullable:
        not_null = quote(_interim(f"{column.name}_not_null"))
        adds.append(
            f"ALTER TABLE {qualified} ADD CONSTRAINT {not_null} CHECK ({new} IS NOT NULL) NOT VALID"
        )
        validations.append(f"ALTER TABLE {qualified} VALIDATE CONSTRAINT {not_null}")
        later = [
            f"-- pgshift:allow set-not-null (the validated check proves it: no scan)\n"
            f"ALTER TABLE {qualified} ALTER COLUMN {col} SET NOT NULL",
            f"-- pgshift:allow drop-constraint (the helper check)\n"
            f"ALTER TABLE {qualified} DROP CONSTRAINT {not_null}",
            *later,
        ]
    for sequence in schema.sequences:
        if sequence.owned_by == f"{table.schema}.{table.name}.{column.name}":
            seq = f"{quote(sequence.schema)}.{quote(sequence.name)}"
            swap.append(f"ALTER SEQUENCE {seq} OWNED BY {qualified}.{new}")
    swap += [
        "-- pgshift:allow drop-column (its values live on in the new column)\n"
        f"ALTER TABLE {qualified} DROP COLUMN {col}",
        "-- pgshift:allow rename-column (the new column takes the old one's name)\n"
        f"ALTER TABLE {qualified} RENAME COLUMN {new} TO {col}",
    ]
    if column.default is not None:
        swap.append(f"ALTER TABLE {qualified} ALTER COLUMN {col} SET DEFAULT {column.default}")
    if column.comment is not None:
        swap.append(f"COMMENT ON COLUMN {qualified}.{col} IS {literal(column.comment)}")
    for group, note in (
        (adds, "the column's constraints again (NOT NULL as a check), NOT VALID: instant"),
        (validations, "validated while reads and writes go on"),
    ):
        # each validation in a transaction of its own: its lock lets writes go on, but
        # none is held longer than its own scan
        steps += [
            Step(sql, NEW if i == 0 or group is validations else SAME, note if i == 0 else "")
            for i, sql in enumerate(group)
        ]
    steps.append(Step(swap[0], NEW, "the swap: one short transaction"))
    steps += [Step(s, SAME) for s in swap[1:] + later]
    return steps, f"{column.name} TYPE {new_type} -> new column, trigger, backfill, swap"
