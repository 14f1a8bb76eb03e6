"""A rule's documentation, read from its module's docstring.

The docstring is Markdown: a summary line, then ``## Problem``, ``## Solution``
and ``## Examples`` sections. Examples are fenced blocks tagged ``sql bad`` (the
rule must fire) or ``sql good`` (it must not), optionally with ``pg=N`` for the
target server's major version; each block is a whole migration file, so it may
start with directives such as ``-- pgshift:no-transaction``.
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

    @property
    def transactional(self) -> bool:
        """Whether the example runs in a transaction (no ``no-transaction`` directive)."""
        return "pgshift:no-transaction" not in self.sql


def examples(doc: str) -> list[Example]:
    """The examples of a rule's docstring, in order."""
    found = []
    for kind, attrs, sql in _BLOCK.findall(doc):
        version = re.search(r"pg=(\d+)", attrs)
        found.append(Example(kind == "bad", sql, int(version.group(1)) if version else None))
    return found


def sections(doc: str) -> dict[str, str]:
    """``## Title`` sections of a docstring by title (lower-case), without the examples."""
    parts = re.split(r"^## +(.+)$", doc, flags=re.MULTILINE)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return {title.strip().lower(): body.strip() for title, body in pairs}
