"""golang-migrate: ``1_slug.up.sql`` + ``1_slug.down.sql``.

Also the pairs of projects whose versions carry a prefix or a dot separator
(``V0001.Initial_Schema.up.sql``). Versions compare as integers. golang-migrate
sends a file to the server as it is, without BEGIN: an empty file does nothing,
and a file holding a statement that cannot run in a transaction runs outside one.
Files pair by version alone; a version without a down file reverts by running
nothing, as golang-migrate does (``pgshift down`` says so).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import Entry, bad_name, is_migration_file, pair
from pgshift.migrations.migration import Migration, canonical_version
from pgshift.migrations.sections import Section

NAME = "golang-migrate"
PAIR = re.compile(r"^([A-Za-z]*)(\d+)[._-](.+)\.(up|down)\.sql$")
RULE = "<version>_<name>.up.sql and <version>_<name>.down.sql"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every migration among ``found``: files paired by version alone, as golang-migrate
    pairs them (an up and a down file may carry different names)."""
    pairs: dict[str, dict[str, tuple[str, Path]]] = {}
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        if not is_migration_file(entry):
            continue
        match = PAIR.match(entry.name)
        if match is None:
            raise bad_name(entry, NAME, RULE)
        sides = pairs.setdefault(canonical_version(match.group(2)), {})
        if match.group(4) in sides:
            raise DiscoveryError(
                f"two {match.group(4)} files have version {match.group(2)}: "
                f"{sides[match.group(4)][1].name} and {entry.name}.",
                "Give one of them the next free version number.",
                path=entry.path,
            )
        sides[match.group(4)] = (match.group(3), entry.path)
    migrations = []
    for version, sides in pairs.items():
        if "up" not in sides:
            down = sides["down"][1]
            raise DiscoveryError(
                f"{down}: a down file without its up file.",
                f"Add the up file beside it ({down.name[: -len('.down.sql')]}.up.sql) "
                "or remove the down file.",
                path=down,
            )
        slug, up = sides["up"]
        down_path = sides["down"][1] if "down" in sides else None
        migration = pair(version, slug, up, down_path, NAME)
        if down_path is None:
            # golang-migrate reverts a version without a down file by running nothing
            blank = Section("", up.with_name(up.name[: -len(".up.sql")] + ".down.sql"), 1)
            migration = replace(migration, down=blank, has_down=True)
        migrations.append(migration)
    return migrations
