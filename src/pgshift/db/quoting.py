"""Identifiers and literals written into SQL: the one place pgshift quotes them.

An identifier is left bare only where PostgreSQL reads it back as the same name: lower
case ASCII letters, digits and underscores, not starting with a digit, and not a
keyword of any category but the unreserved ones (``select``, ``left``, ``similar``,
``collation``, ``int`` ... are quoted), from the parser's own keyword lists. Literals go
through psycopg, so a ``'``, a ``%`` or a ``$$`` in a name or a message is never a hazard.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


@lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    from pglast import keywords

    return frozenset(
        keywords.RESERVED_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS | keywords.COL_NAME_KEYWORDS
    )


def quote(name: str) -> str:
    """``name`` as an SQL identifier: bare where that reads back the same, else quoted."""
    if _PLAIN.fullmatch(name) and name not in _keywords():
        return name
    return '"' + name.replace('"', '""') + '"'


def ident(*names: str) -> str:
    """``schema.name`` (or any dotted name), each part quoted where it must be."""
    return ".".join(quote(n) for n in names)


def literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    from psycopg import sql

    return sql.Literal(text).as_string(None)
