"""dbmate: ``20240101120000_slug.sql`` holding ``-- migrate:up`` and ``-- migrate:down``.

``-- migrate:up transaction:false`` runs the file outside a transaction. Versions
compare as integers (dbmate's are timestamps of one width, where that is its order).
"""

from __future__ import annotations

import re

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import Entry, bad_name, is_migration_file, sql_migration
from pgshift.migrations.migration import Migration, canonical_version, read_text
from pgshift.migrations.sections import DBMATE_UP

NAME = "dbmate"
FILE = re.compile(r"^(\d+)[_-]?(.*)\.sql$")
RULE = "<version>_<name>.sql with a '-- migrate:up' line"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every dbmate migration among ``found``."""
    migrations = []
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        if not is_migration_file(entry):
            continue
        match = FILE.match(entry.name)
        if match is None:
            raise bad_name(entry, NAME, RULE)
        text = read_text(entry.path)
        if not DBMATE_UP.search(text):
            raise DiscoveryError(
                f"{entry.path}:1: a dbmate migration without its '-- migrate:up' line.",
                "Put '-- migrate:up' above the up statements (and '-- migrate:down' above "
                "the down ones), as dbmate requires.",
                path=entry.path,
                line=1,
            )
        version = canonical_version(match.group(1))
        slug = match.group(2) or match.group(1)
        migrations.append(sql_migration(version, slug, entry.path, text, NAME))
    return migrations
