"""A rule's documentation, read from its module's docstring.

The docstring is Markdown: a summary line, then ``## Problem``, ``## Solution``
and ``## Examples`` sections. Examples are fenced blocks tagged ``sql bad`` (the
rule must fire) or ``sql good`` (it must not), optionally with ``pg=N`` for the
target server's major version, and ``since=N`` for the oldest server the example
holds on (its syntax or functions, or what the server does, are of PostgreSQL N and
later: the lock oracle skips it on older servers); each block is a whole migration file, so it may
start with directives such as ``-- pgshift:no-transaction``. A bad example pins
what the rule says of it: ``line=N`` (the lines it fires at, comma-separated),
``severity=error|warning|info`` and ``safe="words"`` (words its safe text holds;
``"a|b"`` where the statement has two findings, each naming one); where the rule
says the statement fails, ``fails=SQLSTATE`` is what PostgreSQL answers (the lock
oracle runs it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(r"^```sql[ \t]+(bad|good)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Example:
    """One example of a rule's documentation."""

    bad: bool
    sql: str
    pg_version: int | None = None
    lines: tuple[int, ...] = ()  # where a bad example's findings are
    severity: str | None = None
    safe: str | None = None
    fails: str | None = None  # the SQLSTATE PostgreSQL fails with, where the rule says it fails
    since: int | None = None  # the oldest major the example holds on (None: every one)

    @property
    def transactional(self) -> bool:
        """Whether the example runs in a transaction (no ``no-transaction`` directive)."""
        return "pgshift:no-transaction" not in self.sql


def examples(doc: str) -> list[Example]:
    """The examples of a rule's docstring, in order."""
    found = []
    for kind, attrs, sql in _BLOCK.findall(doc):
        version = re.search(r"pg=(\d+)", attrs)
        lines = re.search(r"line=([\d,]+)", attrs)
        severity = re.search(r"severity=(\w+)", attrs)
        safe = re.search(r'safe="([^"]*)"', attrs)
        fails = re.search(r"fails=([0-9A-Z]{5})", attrs)
        since = re.search(r"since=(\d+)", attrs)
        found.append(
            Example(
                kind == "bad",
                sql,
                int(version.group(1)) if version else None,
                tuple(int(n) for n in lines.group(1).split(",")) if lines else (),
                severity.group(1) if severity else None,
                safe.group(1) if safe else None,
                fails.group(1) if fails else None,
                int(since.group(1)) if since else None,
            )
        )
    return found


def sections(doc: str) -> dict[str, str]:
    """``## Title`` sections of a docstring by title (lower-case), without the examples."""
    parts = re.split(r"^## +(.+)$", doc, flags=re.MULTILINE)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return {title.strip().lower(): body.strip() for title, body in pairs}
