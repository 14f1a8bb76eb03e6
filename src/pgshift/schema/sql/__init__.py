"""From one schema model to another: the SQL that takes a database from ``source``
to ``target``, in an order the server accepts.

Pure over two :class:`~pgshift.schema.model.Schema` values. Each change becomes a
:class:`Step` (its SQL, the object, whether it destroys data, whether it may run
in a transaction), and the steps run in phases so dependencies hold: what
depends on a changing object goes first (views, triggers, policies, foreign
keys, indexes and constraints being replaced), then drops (columns, tables,
sequences, types, schemas), then creations and changes in dependency order
(extensions, schemas, types, sequences, functions, tables, columns, keys,
foreign keys, indexes, functions that need tables, views, triggers, policies),
then grants, comments and owners. Within that order, a step moves after what the
catalog says it needs (pg_depend: a domain's check calling a function, a SQL-standard
body calling another or reading a table) and a drop before what it frees
(:mod:`.order`).

A table or column that disappears while an identical one appears is renamed,
not dropped and added: a rename keeps the data. Enums gain labels in place
(``ADD VALUE ... BEFORE/AFTER``); a label removed or moved recreates the type
and casts each column through text.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgshift.errors import PgshiftError
from pgshift.schema.compare import Difference
from pgshift.schema.model import Schema
from pgshift.schema.sql.builder import Builder
from pgshift.schema.sql.leftover import leftover
from pgshift.schema.sql.steps import PHASES, Step

__all__ = ["PHASES", "DestructiveChange", "DiffScript", "Step", "diff_script"]


class DestructiveChange(PgshiftError):
    """The change would destroy data and was not allowed."""


@dataclass(frozen=True, slots=True)
class DiffScript:
    """The steps from one schema to another, in the order they must run."""

    steps: tuple[Step, ...]
    # differences between the models that no step writes: said, never dropped silently
    unwritten: tuple[Difference, ...] = ()
    # what the reader should know: a rename that was possible and not made
    notes: tuple[str, ...] = ()

    @property
    def sql(self) -> str:
        """The steps as one script, then a comment line per difference it cannot write."""
        notes = "".join(f"-- note: {note}\n" for note in self.notes)
        script = "".join(step.sql.rstrip().rstrip(";") + ";\n" for step in self.steps)
        return (
            notes
            + script
            + "".join(
                f"-- not written: {d.describe('the source', 'the target')}\n"
                for d in self.unwritten
            )
        )

    @property
    def destructive(self) -> tuple[Step, ...]:
        """The steps that destroy data."""
        return tuple(s for s in self.steps if s.destructive)

    @property
    def empty(self) -> bool:
        """True when the two schemas are the same (nothing to write, nothing unwritten)."""
        return not self.steps and not self.unwritten


def diff_script(
    source: Schema,
    target: Schema,
    *,
    allow_destructive: bool = False,
    renames: bool = True,
    owners: bool = False,
    server_version: int | None = None,
) -> DiffScript:
    """The SQL that turns a database whose schema is ``source`` into ``target``.

    ``server_version`` (``120022``: 12.22), when known, is the server the script is for:
    a change only newer servers can make is said as not written rather than written.

    Raises :class:`DestructiveChange` when a step would destroy data, unless
    ``allow_destructive``. With ``renames``, a table (or column) that disappears
    while one identical but for its name appears is renamed.
    """
    builder = Builder(source, target, renames=renames, owners=owners, server_version=server_version)
    steps = builder.build()
    destroying = [s for s in steps if s.destructive]
    if destroying and not allow_destructive:
        shown = "\n".join(f"    {s.sql.splitlines()[0]}" for s in destroying[:8])
        more = f"\n    ... and {len(destroying) - 8} more" if len(destroying) > 8 else ""
        noted = "".join(f"\n  note: {note}" for note in builder.notes)
        raise DestructiveChange(
            f"the change destroys data in {len(destroying)} "
            f"step{'s' if len(destroying) != 1 else ''}:\n{shown}{more}{noted}",
            "If that is meant, pass --allow-destructive (the migration pgshift writes then "
            "backs the data up before it runs). If a table or column was renamed, make it "
            "identical to the old one but for its name, so pgshift sees a rename.",
        )
    current = builder.current if builder.current is not None else source
    found = leftover(source, current, target, steps, owners)
    if steps:  # what the steps found they cannot write, then what they leave
        found = tuple(builder.unwritten) + found
    return DiffScript(tuple(steps), found, tuple(builder.notes))
