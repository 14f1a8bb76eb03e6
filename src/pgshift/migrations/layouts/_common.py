"""What the layout readers share: directory entries, SQL files into migrations, errors."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pgshift.errors import DiscoveryError, SqlError
from pgshift.migrations.migration import Migration, digest, read_text, version_key
from pgshift.migrations.sections import (
    DBMATE_UP,
    Directives,
    Section,
    is_blank,
    require_content,
    split_dbmate_sql,
    split_pgshift_sql,
)

if TYPE_CHECKING:
    from pgshift.migrations.statements import Statement

KNOWN = (
    "pgshift (0001_slug.sql, 0001_slug.py, R__slug.sql), "
    "flyway (V1__slug.sql, U1__slug.sql, R__slug.sql), "
    "golang-migrate (1_slug.up.sql + 1_slug.down.sql), "
    "dbmate (20240101120000_slug.sql with -- migrate:up), "
    "diesel (2019-02-26-002946_slug/up.sql), "
    "prisma (20210605225044_slug/migration.sql), "
    "popx (20210101000000_slug.postgres.up.sql), "
    "postgres-migrations (1-slug.sql)"
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a migrations directory."""

    path: Path
    is_dir: bool
    # the entry's name, as the directory listing gave it: asked for several times per
    # file by the layouts, where Path.name would split the path again each time
    name: str


def entries(directory: Path) -> tuple[Entry, ...]:
    """The directory's entries by name; names starting with ``.`` or ``_`` are not ours."""
    with os.scandir(directory) as scan:
        found = sorted(scan, key=lambda e: e.name)
    return tuple(
        Entry(directory / e.name, e.is_dir(), e.name)
        for e in found
        if not e.name.startswith((".", "_"))
    )


def is_migration_file(entry: Entry) -> bool:
    """SQL and Python files are migrations; a README, ``atlas.sum`` or ``.toml`` is not."""
    return not entry.is_dir and entry.name.endswith((".sql", ".py"))


def bad_name(entry: Entry, layout: str, rule: str) -> DiscoveryError:
    """The error for a name the layout's rules do not read."""
    what = "folder" if entry.is_dir else "file"
    return DiscoveryError(
        f"{entry.path}: {what} name does not name a migration of the {layout} layout ({rule}).",
        f"Rename it, or move it out of the migrations directory. Layouts pgshift reads: "
        f"{KNOWN}. 'layout' in pgshift.toml pins one (default: auto).",
        path=entry.path,
    )


def sql_migration(
    version: str | None,
    slug: str,
    path: Path,
    text: str,
    layout: str,
    *,
    sort_key: tuple[int, ...] | None = None,
    title: str = "",
    extra: Iterable[str] = (),
    transaction: bool | None = None,
) -> Migration:
    """A one-file SQL migration: pgshift's ``-- pgshift:down`` or dbmate's sections.

    ``extra`` are more texts the checksum covers (a Flyway ``.conf``, a diesel
    ``metadata.toml``); ``transaction=False`` is the tool's own no-transaction mark.
    Another tool's empty file is a migration that does nothing; in pgshift's own
    layout it is an error.
    """
    lowered = text.lower()
    down_transaction: bool | None = None
    if "pgshift:" not in lowered and "migrate:" not in lowered:
        up, down, directives = Section(text, path, 1), None, Directives()
    elif DBMATE_UP.search(text):
        up, down, directives, down_transaction = split_dbmate_sql(path, text)
        layout = "dbmate"
    else:
        up, down, directives = split_pgshift_sql(path, text)
    if transaction is False:
        directives = replace(directives, transaction=False)
    migration = Migration(
        version=version,
        slug=slug,
        kind="versioned" if version is not None else "repeatable",
        path=path,
        language="sql",
        checksum=digest(text, *extra),
        layout=layout,
        up=up,
        down=down if down is not None and not is_blank(down) else None,
        has_down=down is not None and not is_blank(down),
        directives=directives,
        sort_key=(version_key(version) if version is not None else ())
        if sort_key is None
        else sort_key,
        title=title,
        down_transaction=down_transaction,
    )
    if not migration.foreign:
        require_content(up, "up")
    elif layout == "dbmate" and down is not None:
        # dbmate's empty down section is a down that does nothing
        migration = replace(migration, down=down, has_down=True)
    return finish(migration)


def pair(
    version: str,
    slug: str,
    up_path: Path,
    down_path: Path | None,
    layout: str,
    *,
    sort_key: tuple[int, ...] | None = None,
    title: str = "",
    transaction: bool | None = None,
    extra: Iterable[str] = (),
) -> Migration:
    """An up file with an optional down file (golang-migrate, diesel, popx, folders)."""
    up_text = read_text(up_path)
    up, _, directives = split_pgshift_sql(up_path, up_text)
    parts = [up_text]
    down: Section | None = None
    down_transaction: bool | None = None
    if down_path is not None:
        down_text = read_text(down_path)
        parts.append(down_text)
        down, _, down_directives = split_pgshift_sql(down_path, down_text)
        down_transaction = None if down_directives.transaction else False
    if transaction is False:
        directives = replace(directives, transaction=False)
        down_transaction = False
    migration = Migration(
        version=version,
        slug=slug,
        kind="versioned",
        path=up_path,
        language="sql",
        checksum=digest(*parts, *extra),
        layout=layout,
        up=up,
        down=down,
        has_down=down is not None,
        directives=directives,
        sort_key=version_key(version) if sort_key is None else sort_key,
        title=title,
        down_transaction=down_transaction,
    )
    if not migration.foreign:
        require_content(up, "up")
        if down is not None and is_blank(down):
            migration = replace(migration, down=None, has_down=False)
    return finish(migration)


# Statements that cannot run in a transaction block, found cheaply before parsing.
_OUTSIDE_HINT = re.compile(r"\b(concurrently|vacuum|commit|rollback|alter\s+system)\b", re.I)
# Tools that send a file without BEGIN (the server runs a lone statement outside any
# transaction) or that move such statements out of one themselves (Flyway).
AUTO_NO_TRANSACTION = frozenset({"flyway", "golang-migrate", "prisma"})


def finish(migration: Migration) -> Migration:
    """Run a foreign file outside a transaction when its tool would have: the up part
    and the down part each by what it holds.

    Only files that mention CONCURRENTLY, VACUUM, COMMIT and the like are parsed here,
    so reading a directory stays cheap.
    """
    if migration.layout not in AUTO_NO_TRANSACTION:
        return migration
    changes: dict[str, object] = {}
    if migration.layout in SENT_AS_IS:
        for part in ("up", "down"):
            section: Section | None = getattr(migration, part)
            bare = _without_own_transaction(section)
            if section is not None and bare is not None:
                changes[part] = bare
                changes["note"] = (
                    f"{migration.name}: its BEGIN and COMMIT are left to pgshift, which runs "
                    f"the file in one transaction of its own"
                )
        if changes:
            migration = replace(migration, **changes)  # type: ignore[arg-type]
            changes = {"note": migration.note}
    if migration.directives.transaction:
        found = _needs_outside(migration.up)
        if found:
            changes["directives"] = replace(migration.directives, transaction=False)
            changes["note"] = (
                f"{migration.name}: {found} cannot run in a transaction; run statement by "
                f"statement outside one, as {migration.layout} does"
            )
    # a down part follows its up part unless said otherwise: judge it by its own content
    # when the up part's mode is pgshift's own decision
    automatic = migration.directives.transaction or migration.note or "note" in changes
    if migration.down is not None and migration.down_transaction is None and automatic:
        changes["down_transaction"] = not _needs_outside(migration.down)
    return replace(migration, **changes) if changes else migration  # type: ignore[arg-type]


# Tools that send a file to the server as one query string, where the file's own BEGIN
# and COMMIT make its transaction.
SENT_AS_IS = frozenset({"golang-migrate", "prisma"})
_OWN_TRANSACTION = re.compile(r"\b(begin|commit|end|start\s+transaction)\b", re.I)
_BEGIN_COMMIT = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START", "TRANS_STMT_COMMIT"})


def _without_own_transaction(section: Section | None) -> Section | None:
    """``section`` with its BEGIN / START TRANSACTION / COMMIT / END statements blanked
    (every other character, and so every line number, left in place), or None when it
    has none, or has a ROLLBACK, a savepoint or a chained COMMIT pgshift would not mimic."""
    if section is None or not _OWN_TRANSACTION.search(section.sql):
        return None
    from pgshift.migrations.statements import split

    try:
        statements = split(section)
    except SqlError:
        return None
    control = [s for s in statements if s.transaction_control]
    if not control or any(
        s.tree.get("kind") not in _BEGIN_COMMIT or s.tree.get("chain") for s in control
    ):
        return None
    text = section.sql
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    pieces: list[str] = []
    done = 0
    for statement in control:
        body = statement.sql.rstrip()
        at = text.find(body, starts[statement.line - section.first_line])
        if at < 0:
            return None
        end = at + len(body)
        if text[end : end + 1] == ";":
            end += 1
        pieces.append(text[done:at])
        pieces.append("".join(c if c == "\n" else " " for c in text[at:end]))
        done = end
    pieces.append(text[done:])
    return Section("".join(pieces), section.path, section.first_line)


def _needs_outside(section: Section | None) -> str:
    """``file:line (STATEMENT)`` of the first statement that cannot run in a transaction."""
    if section is None or not _OUTSIDE_HINT.search(section.sql):
        return ""
    from pgshift.migrations.statements import split

    try:
        statements = split(section)
    except SqlError:
        return ""  # reported, with its line, when the file is prepared to run
    for statement in statements:
        if statement.outside_transaction:
            head = " ".join(statement.sql.split()[:4])
            return f"line {statement.line} ({head} ...)"
    return ""


# How each tool marks a file to run outside a transaction (pgshift's directive works
# in every layout too).
_NO_TRANSACTION_MARK = {
    "dbmate": "'-- migrate:up transaction:false' (dbmate's own marker)",
    "diesel": "a metadata.toml beside it saying 'run_in_transaction = false' (diesel's own)",
    "postgres-migrations": "the line '-- postgres-migrations disable-transaction'",
    "popx": "'.autocommit' before '.up.sql' in its name (popx's own marker)",
    "flyway": "a '<file>.sql.conf' beside it saying 'executeInTransaction=false'",
}


def no_transaction_hint(migration: Migration) -> str:
    """What to do about a statement that cannot run in the migration's transaction."""
    from pgshift.migrations.statements import NO_TRANSACTION_HINT

    mark = _NO_TRANSACTION_MARK.get(migration.layout)
    if mark is None:
        return NO_TRANSACTION_HINT
    return (
        f"Put it in a migration of its own marked with {mark}, or whose first line is "
        "'-- pgshift:no-transaction'."
    )


def for_server(migration: Migration, statements: Sequence[Statement], major: int) -> Migration:
    """Before PostgreSQL 12, ``ALTER TYPE ... ADD VALUE`` cannot run in a transaction: a
    file of a tool that would have sent it outside one runs outside one there too."""
    if (
        major >= 12
        or migration.layout not in AUTO_NO_TRANSACTION
        or not migration.directives.transaction
    ):
        return migration
    for statement in statements:
        if statement.node == "AlterEnumStmt" and not statement.tree.get("oldVal"):
            return replace(
                migration,
                directives=replace(migration.directives, transaction=False),
                note=f"{migration.name}: line {statement.line} (ALTER TYPE ... ADD VALUE) cannot "
                f"run in a transaction before PostgreSQL 12; run statement by statement outside "
                f"one, as {migration.layout} does",
            )
    return migration
