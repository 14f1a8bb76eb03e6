"""The values the linter deals in: severities, rules, hits and findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pgshift.lint.context import Context, Stmt

DOCS_URL = "docs/rules/{id}.md"  # relative to the project, where `pgshift lint --docs` writes


class Severity(StrEnum):
    """How bad a finding is: errors stop ``migrate``, warnings and infos do not."""

    ERROR = "error"  # data loss or a hard failure
    WARNING = "warning"  # blocks reads or writes, or rewrites a table
    INFO = "info"  # style

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for info: sorts the worst first."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_BY_VALUE = {s.value: s for s in Severity}


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule says of one statement; the engine turns it into a :class:`Finding`."""

    message: str
    safe: str = ""  # the safe way to write it
    line_offset: int = 0  # lines below the statement's first line


Check = Callable[["Stmt", "Context"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Lock:
    """What the statements a rule flags do on the server, checked by the lock oracle."""

    mode: str  # the strongest mode on the table, as pg_locks names it: "AccessExclusiveLock"
    table: str = "users"  # the oracle's table the examples act on
    rewrite: bool = False  # whether the table gets a new file (pg_relation_filenode changes)


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: its id, group, default severity, one-line summary and check.

    The module that defines it holds its documentation in its docstring.
    """

    id: str
    group: str  # destructive, compatibility, locking, transactions, style
    severity: Severity
    summary: str
    check: Check
    lock: Lock | None = None
    nodes: frozenset[str] | None = None  # the statement types it looks at (None: all)
    doc: str = field(default="", compare=False)
    # its error-level findings say what `pgshift migrate` refuses: the engine's own
    # MIGRATE_REFUSES finding is not repeated on a statement this rule flagged
    speaks_for_migrate: bool = False
    # off unless the project turns it on (lint_enable): right for some projects only
    enabled_by_default: bool = True


# Findings of the engine itself, not of a rule: no page, no acknowledgement.
RULE_CRASHED = "rule-crashed"  # a rule raised: a bug in pgshift (a warning, lint goes on)
MIGRATE_REFUSES = "migrate-refuses"  # what `pgshift migrate` refuses before running anything
PARSE_ERROR = "parse-error"  # a file that cannot be read as SQL: the others are still linted
ENGINE_FINDINGS = {
    PARSE_ERROR: "the file cannot be read as SQL (a syntax error, a psql meta-command, "
    "COPY ... FROM STDIN): fix it; no comment or setting acknowledges it",
    RULE_CRASHED: "a bug in pgshift, not in the SQL: the other rules ran",
    MIGRATE_REFUSES: "pgshift migrate refuses the file before running any of it; no "
    "comment or setting acknowledges it",
}

GROUPS = {
    "destructive": "Destructive (data loss)",
    "compatibility": "Backward-incompatible (breaks the running application)",
    "locking": "Locking and table rewrites",
    "transactions": "Transaction and runner hygiene",
    "style": "Types, naming and style",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's finding on one statement of one file."""

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    safe: str
    statement: str  # the statement's first line, for the reader

    @property
    def url(self) -> str:
        """The rule's documentation (none for the engine's own findings)."""
        return "" if self.rule in ENGINE_FINDINGS else DOCS_URL.format(id=self.rule)

    def to_dict(self) -> dict[str, object]:
        """A plain dict for JSON output and the cache."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "safe": self.safe,
            "statement": self.statement,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict` (for the cache, which holds only what it wrote)."""
        return cls(
            data["rule"],
            _BY_VALUE[data["severity"]],
            data["path"],
            data["line"],
            data["column"],
            data["message"],
            data["safe"],
            data["statement"],
        )
