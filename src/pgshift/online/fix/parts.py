"""The output of ``pgshift fix``: the parts of a rewrite, and the builder that collects them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pgshift.lint.context import bare

if TYPE_CHECKING:
    from pgshift.schema.model import Schema

LOCK_TIMEOUT = "2s"
PARALLEL_OFF = "SET max_parallel_maintenance_workers = 0"
_BUILDS_INDEX = re.compile(
    r"\s*(CREATE\s+(UNIQUE\s+)?INDEX|REINDEX)\b.*\bCONCURRENTLY\b", re.I | re.S
)
STATEMENT_TIMEOUT = "1min"


@dataclass
class Part:
    """One migration of the rewrite."""

    transactional: bool
    statements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why the part exists, as comments
    locks: bool = False  # takes strong locks on existing tables: gets a lock_timeout

    def render(self, header: list[str]) -> str:
        """The part as a migration file."""
        lines: list[str] = []
        if not self.transactional:
            lines.append("-- pgshift:no-transaction")
        elif self.locks:
            lines.append(f"-- pgshift:lock-timeout {LOCK_TIMEOUT}")
            if not any("VALIDATE CONSTRAINT" in s for s in self.statements):
                # not for a validation: long by nature, and it lets writes go on
                lines.append(f"-- pgshift:statement-timeout {STATEMENT_TIMEOUT}")
        lines += header + [f"-- {note}" for note in self.notes]
        statements = list(self.statements)
        if not self.transactional and any(_BUILDS_INDEX.match(s) for s in statements):
            # A parallel build takes cores from the application, which an online change
            # is meant to spare (on 2 cores, a write's p99 went from 20 to 60 ms). One
            # core builds it; remove the line where cores are plenty.
            lines.append("-- one core for the build, the others for the application")
            statements.insert(0, PARALLEL_OFF)
        body = "\n".join(s.rstrip().rstrip(";") + ";" for s in statements)
        return "\n".join(lines) + ("\n" if lines else "") + body + "\n"


@dataclass
class Rewrite:
    """The parts of a rewritten migration, in order, and what was changed."""

    parts: list[Part]
    changes: list[str]
    left: list[str] = field(default_factory=list)  # unsafe statements kept as they are, and why

    @property
    def changed(self) -> bool:
        """Whether anything was rewritten."""
        return bool(self.changes)


class Builder:
    """Collects the parts: statements go into the current part, or start a new one."""

    def __init__(self, schema: Callable[[], Schema | None] | None = None) -> None:
        self.parts: list[Part] = []
        self.changes: list[str] = []
        self.left: list[str] = []
        self.created: set[str] = set()
        self.ddl = False  # the migration locks existing tables strongly
        self._load = schema
        self._schema: Schema | None = None
        self._loaded = False

    def schema(self) -> Schema | None:
        """The live schema, read once on first need (None without a database)."""
        if not self._loaded:
            self._schema = self._load() if self._load else None
            self._loaded = True
        return self._schema

    def add(
        self,
        sql: str,
        *,
        transactional: bool = True,
        new: bool = False,
        locks: bool = False,
        note: str | None = None,
    ) -> None:
        """Append ``sql`` to the current part, or to a new one where it cannot share it."""
        last = self.parts[-1] if self.parts else None
        if last is None or new or not transactional or not last.transactional:
            last = Part(transactional)
            self.parts.append(last)
        last.statements.append(sql)
        last.locks = last.locks or locks
        if note:
            last.notes.append(note)

    def existing(self, table: str) -> bool:
        """Whether ``table`` was there before the migration (not created by it)."""
        return table not in self.created and bare(table) not in self.created
