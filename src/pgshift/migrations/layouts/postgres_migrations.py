"""postgres-migrations (npm): ``1-slug.sql`` or ``1_slug.sql``, ordered by the number.

Each file runs in a transaction unless it holds the line
``-- postgres-migrations disable-transaction``. There are no down migrations.
"""

from __future__ import annotations

import re

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import Entry, bad_name, sql_migration
from pgshift.migrations.migration import Migration, canonical_version, read_text

NAME = "postgres-migrations"
FILE = re.compile(r"^(\d+)(?:[-_](.*))?\.(sql|js)$")
RULE = "<id>-<name>.sql or <id>_<name>.sql"
DISABLE = "-- postgres-migrations disable-transaction"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every postgres-migrations file among ``found``."""
    migrations = []
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        match = FILE.match(entry.name)
        if match is None:
            if entry.name.endswith((".sql", ".py")):
                raise bad_name(entry, NAME, RULE)
            continue
        if match.group(3) == "js":
            raise DiscoveryError(
                f"{entry.path}: a JavaScript migration; pgshift runs SQL and Python ones.",
                "Write it as SQL (or as a Python migration with the same number), or run "
                "it with postgres-migrations before switching.",
                path=entry.path,
            )
        text = read_text(entry.path)
        version = canonical_version(match.group(1))
        slug = match.group(2) or match.group(1)
        migrations.append(
            sql_migration(version, slug, entry.path, text, NAME, transaction=DISABLE not in text)
        )
    return migrations
