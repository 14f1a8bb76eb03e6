"""popx / pop (Ory): ``<version>_<name>[.<dialect>].up.sql`` and ``.down.sql``.

The dialect's files (``postgres`` unless ``dialect`` says otherwise) and the files
without a dialect are read; a dialect's file wins over the dialect-free one of the
same version; other dialects' files are ignored (``sqlite`` is read as ``sqlite3``). An
empty file does nothing. ``.autocommit`` before ``.up.sql`` / ``.down.sql`` runs the file
outside a transaction, as popx does.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import Entry, bad_name, pair
from pgshift.migrations.migration import Migration, canonical_version

NAME = "popx"
DIALECTS = ("postgres", "cockroach", "mysql", "sqlite3", "sqlite")
FILE = re.compile(
    r"^(\d+)_(.+?)(?:\.(" + "|".join(DIALECTS) + r"))?(\.autocommit)?\.(up|down)\.(sql|fizz)$",
)
_SYNONYMS = {"sqlite": "sqlite3"}
RULE = "<version>_<name>[.postgres].up.sql and .down.sql"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """The migrations of ``dialect`` among ``found``."""
    # version -> direction -> (specific?, path): popx pairs by version alone
    chosen: dict[str, dict[str, tuple[bool, Path]]] = {}
    autocommit_files: set[Path] = set()
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        match = FILE.match(entry.name)
        if match is None:
            if entry.name.endswith((".sql", ".py")):
                raise bad_name(entry, NAME, RULE)
            continue
        version, _, file_dialect, autocommit, direction, kind = match.groups()
        file_dialect = _SYNONYMS.get(file_dialect or "", file_dialect)
        if file_dialect is not None and file_dialect != dialect:
            continue
        if kind == "fizz":
            raise DiscoveryError(
                f"{entry.path}: a fizz migration (pop's own language, not SQL).",
                "Generate its SQL for PostgreSQL (for example with 'soda generate sql') and "
                "save it beside it as a .postgres.up.sql / .down.sql file.",
                path=entry.path,
            )
        sides = chosen.setdefault(canonical_version(version), {})
        specific = file_dialect is not None
        if direction not in sides or specific:
            sides[direction] = (specific, entry.path)
        if autocommit:
            autocommit_files.add(entry.path)
    migrations = []
    for version, sides in chosen.items():
        if "up" not in sides:
            down = sides["down"][1]
            raise DiscoveryError(
                f"{down}: a down file without its up file.",
                "Add the up file beside it, or remove the down file.",
                path=down,
            )
        up_path = sides["up"][1]
        down_path = sides["down"][1] if "down" in sides else None
        match = FILE.match(up_path.name)
        assert match is not None
        migration = pair(version, match.group(2), up_path, down_path, NAME)
        if up_path in autocommit_files:
            migration = replace(
                migration, directives=replace(migration.directives, transaction=False)
            )
        if down_path is not None:
            migration = replace(migration, down_transaction=down_path not in autocommit_files)
        migrations.append(migration)
    return migrations
