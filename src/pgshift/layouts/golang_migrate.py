"""golang-migrate: ``1_slug.up.sql`` + ``1_slug.down.sql``.

Also the pairs of projects whose versions carry a prefix or a dot separator
(``V0001.Initial_Schema.up.sql``). Versions compare as integers. golang-migrate
sends a file to the server as it is, without BEGIN: an empty file does nothing,
and a file holding a statement that cannot run in a transaction runs outside one.
"""

from __future__ import annotations

import re
from pathlib import Path

from pgshift.errors import DiscoveryError
from pgshift.layouts._common import Entry, bad_name, is_migration_file, pair
from pgshift.migration import Migration, canonical_version

NAME = "golang-migrate"
PAIR = re.compile(r"^([A-Za-z]*)(\d+)[._-](.+)\.(up|down)\.sql$")
RULE = "<version>_<name>.up.sql and <version>_<name>.down.sql"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every pair among ``found``."""
    pairs: dict[tuple[str, str], dict[str, Path]] = {}
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        if not is_migration_file(entry):
            continue
        match = PAIR.match(entry.name)
        if match is None:
            raise bad_name(entry, NAME, RULE)
        key = (canonical_version(match.group(2)), match.group(3))
        pairs.setdefault(key, {})[match.group(4)] = entry.path
    migrations = []
    for (version, slug), files in pairs.items():
        if "up" not in files:
            raise DiscoveryError(
                f"{files['down']}: a down file without its up file.",
                f"Add the up file beside it ({files['down'].name[: -len('.down.sql')]}.up.sql) "
                "or remove the down file.",
                path=files["down"],
            )
        migrations.append(pair(version, slug, files["up"], files.get("down"), NAME))
    return migrations
