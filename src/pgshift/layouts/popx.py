"""popx / pop (Ory): ``<version>_<name>[.<dialect>].up.sql`` and ``.down.sql``.

The dialect's files (``postgres`` unless ``dialect`` says otherwise) and the files
without a dialect are read; a dialect's file wins over the dialect-free one of the
same version; other dialects' files are ignored. An empty file does nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from pgshift.errors import DiscoveryError
from pgshift.layouts._common import Entry, bad_name, pair
from pgshift.migration import Migration, canonical_version

NAME = "popx"
DIALECTS = ("postgres", "cockroach", "mysql", "sqlite3", "sqlite")
FILE = re.compile(
    r"^(\d+)_(.+?)(?:\.(" + "|".join(DIALECTS) + r"))?\.(up|down)\.(sql|fizz)$",
)
RULE = "<version>_<name>[.postgres].up.sql and .down.sql"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """The migrations of ``dialect`` among ``found``."""
    # (version, name) -> direction -> (specific?, path)
    chosen: dict[tuple[str, str], dict[str, tuple[bool, Path]]] = {}
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        match = FILE.match(entry.name)
        if match is None:
            if entry.name.endswith((".sql", ".py")):
                raise bad_name(entry, NAME, RULE)
            continue
        version, slug, file_dialect, direction, kind = match.groups()
        if file_dialect is not None and file_dialect != dialect:
            continue
        if kind == "fizz":
            raise DiscoveryError(
                f"{entry.path}: a fizz migration (pop's own language, not SQL).",
                "Generate its SQL for PostgreSQL (for example with 'soda generate sql') and "
                "save it beside it as a .postgres.up.sql / .down.sql file.",
                path=entry.path,
            )
        sides = chosen.setdefault((canonical_version(version), slug), {})
        specific = file_dialect is not None
        if direction not in sides or specific:
            sides[direction] = (specific, entry.path)
    migrations = []
    for (version, slug), sides in chosen.items():
        if "up" not in sides:
            down = sides["down"][1]
            raise DiscoveryError(
                f"{down}: a down file without its up file.",
                "Add the up file beside it, or remove the down file.",
                path=down,
            )
        down_path = sides["down"][1] if "down" in sides else None
        migrations.append(pair(version, slug, sides["up"][1], down_path, NAME))
    return migrations
