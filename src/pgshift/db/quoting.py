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
from typing import Any

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


@lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    keywords = _pglast_keywords()
    return frozenset(
        keywords.RESERVED_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS | keywords.COL_NAME_KEYWORDS
    )


def _pglast_keywords() -> Any:
    """pglast's keyword lists (made from PostgreSQL's grammar), read without importing
    pglast: its parser's import is 40 ms that a diff, a dump or a status never needs."""
    import sys

    if "pglast" not in sys.modules:
        import os
        import types
        from importlib.machinery import PathFinder, SourceFileLoader

        spec = PathFinder.find_spec("pglast")
        if spec is not None and spec.submodule_search_locations:
            path = os.path.join(next(iter(spec.submodule_search_locations)), "keywords.py")
            if os.path.isfile(path):  # a plain module of sets, importing nothing
                loader = SourceFileLoader("pgshift_pglast_keywords", path)
                module = types.ModuleType(loader.name)
                module.__file__ = path
                loader.exec_module(module)
                return module
    from pglast import keywords

    return keywords


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
