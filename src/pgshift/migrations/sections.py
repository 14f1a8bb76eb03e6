"""A migration file's text into its parts: up and down SQL, and its directives.

pgshift files put ``-- pgshift:`` directives at the top and ``-- pgshift:down``
before the down part; dbmate files use ``-- migrate:up`` and ``-- migrate:down``.
Python migrations are read for their shape (``up``, ``down``, ``transaction``)
without being run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pgshift.config import parse_duration
from pgshift.errors import ConfigError, DiscoveryError

_DIRECTIVE = re.compile(r"^--\s*pgshift:([a-z-]+)\s*(.*?)\s*$", re.IGNORECASE)
_DBMATE = re.compile(r"^--\s*migrate:(up|down)\b(.*)$", re.IGNORECASE)
DBMATE_UP = re.compile(r"^\s*--\s*migrate:up\b", re.IGNORECASE | re.MULTILINE)

KNOWN_DIRECTIVES = (
    "no-transaction",
    "lock-timeout",
    "statement-timeout",
    "allow",
    "no-backup",
    "down",
)


@dataclass(frozen=True, slots=True)
class Section:
    """A piece of SQL and where it came from, so errors can say ``file:line``."""

    sql: str
    path: Path
    first_line: int = 1


@dataclass(frozen=True, slots=True)
class Directives:
    """The ``-- pgshift:`` directives of one migration."""

    transaction: bool = True
    lock_timeout: float | None = None
    statement_timeout: float | None = None
    allow: tuple[str, ...] = ()
    backup: bool = True  # False: the file opts out of backups (with --no-backup too)


def is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("--")


def is_blank(section: Section) -> bool:
    """True when the section holds nothing but blank lines and ``--`` comments."""
    return all(is_blank_or_comment(line) for line in section.sql.splitlines())


def require_content(section: Section, role: str) -> None:
    """Refuse an empty part (pgshift's own layout: an empty file is a mistake)."""
    if is_blank(section):
        raise DiscoveryError(
            f"{section.path}:{section.first_line}: the {role} part is empty "
            "(nothing but comments or blank lines).",
            "Write the SQL of the migration, or delete the file.",
            path=section.path,
            line=section.first_line,
        )


def _parse_directive(
    path: Path, lineno: int, name: str, arg: str, found: dict[str, object]
) -> None:
    where = f"{path}:{lineno}"
    if name not in KNOWN_DIRECTIVES:
        raise DiscoveryError(
            f"{where}: unknown directive 'pgshift:{name}'.",
            f"Known directives: {', '.join('pgshift:' + d for d in KNOWN_DIRECTIVES)}.",
            path=path,
            line=lineno,
        )
    try:
        if name == "no-transaction":
            found["transaction"] = False
        elif name == "no-backup":
            found["backup"] = False
        elif name in ("lock-timeout", "statement-timeout"):
            found[name.replace("-", "_")] = parse_duration(arg, f"{where}: pgshift:{name}")
        elif name == "allow":
            rules = [r for r in re.split(r"[\s,]+", arg) if r]
            if not rules:
                raise DiscoveryError(
                    f"{where}: 'pgshift:allow' needs a rule id.",
                    "Write for example: -- pgshift:allow drop-column",
                    path=path,
                    line=lineno,
                )
            allow = found.setdefault("allow", [])
            assert isinstance(allow, list)
            allow.extend(rules)
    except ConfigError as exc:
        raise DiscoveryError(exc.message, exc.hint, path=path, line=lineno) from exc


def split_pgshift_sql(path: Path, text: str) -> tuple[Section, Section | None, Directives]:
    """Split a pgshift-style file into up and down parts and read its directives."""
    found: dict[str, object] = {}
    lines = text.split("\n")
    down_at: int | None = None
    in_header = True
    for index, line in enumerate(lines):
        stripped = line.strip()
        match = _DIRECTIVE.match(stripped)
        if match is None:
            if in_header and not is_blank_or_comment(line):
                in_header = False
            continue
        name, arg = match.group(1).lower(), match.group(2)
        if name == "down":
            if down_at is not None:
                raise DiscoveryError(
                    f"{path}:{index + 1}: a second 'pgshift:down' line.",
                    "A file has one up part and at most one down part.",
                    path=path,
                    line=index + 1,
                )
            down_at = index
            in_header = False
            continue
        if not in_header and name != "allow":
            raise DiscoveryError(
                f"{path}:{index + 1}: directive 'pgshift:{name}' is not at the top of the file.",
                "Move the directive above the first statement.",
                path=path,
                line=index + 1,
            )
        _parse_directive(path, index + 1, name, arg, found)
    up_lines = lines if down_at is None else lines[:down_at]
    up = Section("\n".join(up_lines), path, 1)
    down = None
    if down_at is not None:
        down = Section("\n".join(lines[down_at + 1 :]), path, down_at + 2)
    return up, down, _directives(found)


def _directives(found: dict[str, object]) -> Directives:
    allow = found.get("allow", [])
    assert isinstance(allow, list)
    lock = found.get("lock_timeout")
    statement = found.get("statement_timeout")
    return Directives(
        transaction=bool(found.get("transaction", True)),
        lock_timeout=lock if isinstance(lock, float) else None,
        statement_timeout=statement if isinstance(statement, float) else None,
        allow=tuple(str(a) for a in allow),
        backup=bool(found.get("backup", True)),
    )


def split_dbmate_sql(
    path: Path, text: str
) -> tuple[Section, Section | None, Directives, bool | None]:
    """dbmate's ``-- migrate:up [transaction:false]`` / ``-- migrate:down`` sections.

    A file may hold several of each, run in file order (the downs too, as dbmate
    runs them). Each part keeps every line where it was, the other parts' lines
    blanked, so errors name the file's own lines. Returns the up part, the down part
    (None without a down section), the directives, and whether the down part runs in
    a transaction (None: as the up part).
    """
    lines = text.split("\n")
    parts: dict[str, list[str]] = {"up": [""] * len(lines), "down": [""] * len(lines)}
    seen = {"up": False, "down": False}
    outside = {"up": False, "down": False}
    found: dict[str, object] = {}
    current: str | None = None
    for index, line in enumerate(lines):
        match = _DBMATE.match(line.strip())
        if match:
            current = match.group(1).lower()
            seen[current] = True
            if "transaction:false" in match.group(2).replace(" ", "").lower():
                outside[current] = True
            continue
        directive = _DIRECTIVE.match(line.strip())
        if directive:
            _parse_directive(path, index + 1, directive.group(1).lower(), directive.group(2), found)
            continue
        if current is None:
            if not is_blank_or_comment(line):
                raise DiscoveryError(
                    f"{path}:{index + 1}: SQL before the first '-- migrate:up' line.",
                    "dbmate runs only what its sections hold: put it under '-- migrate:up'.",
                    path=path,
                    line=index + 1,
                )
            continue
        parts[current][index] = line
    if outside["up"]:
        found["transaction"] = False
    up = Section("\n".join(parts["up"]), path, 1)
    down = Section("\n".join(parts["down"]), path, 1) if seen["down"] else None
    down_transaction = False if outside["down"] else None if outside["up"] is False else True
    return up, down, _directives(found), down_transaction


def python_shape(path: Path, text: str) -> tuple[bool, Directives]:
    """Read a Python migration's shape without running it: has ``up``, ``down``, ``transaction``."""
    import ast

    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise DiscoveryError(
            f"{path}:{exc.lineno}: Python syntax error: {exc.msg}.",
            "Fix the migration's Python code.",
            path=path,
            line=exc.lineno,
        ) from exc
    functions = {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    transaction = True
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "transaction" for t in node.targets
        ):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool):
                transaction = node.value.value
            else:
                raise DiscoveryError(
                    f"{path}:{node.lineno}: 'transaction' must be True or False.",
                    path=path,
                    line=node.lineno,
                )
    if "up" not in functions:
        raise DiscoveryError(
            f"{path}: a Python migration must define up(conn).",
            "Add: def up(conn): conn.execute('...')",
            path=path,
        )
    return "down" in functions, Directives(transaction=transaction)
