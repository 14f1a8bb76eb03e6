"""Prisma: a folder per migration, ``20210605225044_slug/migration.sql``, in name order.

``migration_lock.toml`` beside them is Prisma's own. Prisma sends ``migration.sql``
to the server as it is: an empty file does nothing, and a file holding a statement
that cannot run in a transaction runs outside one. Prisma has no down migrations.
"""

from __future__ import annotations

import re

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import Entry, bad_name, sql_migration
from pgshift.migrations.migration import Migration, canonical_version, read_text

NAME = "prisma"
FOLDER = re.compile(r"^(\d+)_(.+)$")
RULE = "a folder <timestamp>_<name>/ holding migration.sql"


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every Prisma migration among ``found``."""
    migrations = []
    for entry in found:
        if not entry.is_dir:
            if entry.name.endswith((".sql", ".py")):
                raise bad_name(entry, NAME, RULE)
            continue
        match = FOLDER.match(entry.name)
        if match is None:
            raise bad_name(entry, NAME, RULE)
        path = entry.path / "migration.sql"
        if not path.is_file():
            raise DiscoveryError(
                f"{entry.path}: a Prisma migration folder without migration.sql.",
                "Add migration.sql, or remove the folder.",
                path=entry.path,
            )
        version = canonical_version(match.group(1))
        text = read_text(path)
        migrations.append(
            sql_migration(version, match.group(2), path, text, NAME, title=entry.name)
        )
    return migrations
