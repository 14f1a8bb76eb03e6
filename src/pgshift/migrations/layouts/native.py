"""pgshift's own layout, which also reads the simple layouts of other tools side by side.

``0001_slug.sql`` (``-- pgshift:down`` starts the down part), ``0001_slug.py``,
``R__slug.sql``; beside them, as found in projects that switched tools: Flyway's
``V1__slug.sql`` / ``U1__slug.sql``, golang-migrate's ``1_slug.up.sql`` + ``.down.sql``,
dbmate's ``-- migrate:up`` files, and folders ``0001_slug/`` holding ``up.sql`` (+
``down.sql``) or ``migration.sql``.
"""

from __future__ import annotations

import re
from pathlib import Path

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts import flyway
from pgshift.migrations.layouts._common import (
    Entry,
    bad_name,
    is_migration_file,
    pair,
    sql_migration,
)
from pgshift.migrations.migration import (
    Migration,
    canonical_version,
    digest,
    read_text,
    version_key,
)
from pgshift.migrations.sections import python_shape

NAME = "pgshift"
_NATIVE = re.compile(r"^(\d+)_(.+)\.(sql|py)$")
_GOLANG = re.compile(r"^(\d+)_(.+)\.(up|down)\.sql$")
_FOLDER = re.compile(r"^(\d+)_(.+)$")
RULE = (
    "<version>_<slug>.sql or .py, for example 0003_add_posts.sql; R__<slug>.sql; "
    "or a folder <version>_<slug>/"
)


def python_like(name: str) -> bool:
    """Whether ``name`` is a pgshift migration no other tool writes (a ``.py`` file)."""
    return bool(_NATIVE.match(name)) and name.endswith(".py")


def python_migration(version: str, slug: str, path: Path) -> Migration:
    """A ``.py`` migration, read for its shape without being run."""
    text = read_text(path)
    has_down, directives = python_shape(path, text)
    return Migration(
        version=version,
        slug=slug,
        kind="versioned",
        path=path,
        language="python",
        checksum=digest(text),
        layout=NAME,
        has_down=has_down,
        directives=directives,
        sort_key=version_key(version),
    )


def _folder(entry: Entry, version: str, slug: str) -> Migration:
    path = entry.path
    if (path / "up.sql").is_file():
        down = path / "down.sql"
        return pair(
            version,
            slug,
            path / "up.sql",
            down if down.is_file() else None,
            "folder",
            title=path.name,
        )
    if (path / "migration.sql").is_file():
        text = read_text(path / "migration.sql")
        return sql_migration(version, slug, path / "migration.sql", text, "folder", title=path.name)
    raise DiscoveryError(
        f"{path}: folder has neither up.sql nor migration.sql.",
        "A folder migration holds up.sql (and optionally down.sql), or migration.sql.",
        path=path,
    )


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every migration among ``found``, whichever of the simple layouts names it."""
    migrations: list[Migration] = []
    golang: dict[tuple[str, str], dict[str, Path]] = {}
    undo: dict[str, Path] = {}
    for entry in found:
        name = entry.name
        if entry.is_dir:
            match = _FOLDER.match(name)
            if match is None:
                raise bad_name(entry, NAME, RULE)
            migrations.append(_folder(entry, canonical_version(match.group(1)), match.group(2)))
            continue
        if not is_migration_file(entry):
            continue
        if match := _GOLANG.match(name):
            key = (canonical_version(match.group(1)), match.group(2))
            golang.setdefault(key, {})[match.group(3)] = entry.path
        elif flyway.VERSIONED.match(name) or flyway.REPEATABLE.match(name):
            flyway.read_one(entry, migrations, undo, repeatable="repeatable")
        elif match := _NATIVE.match(name):
            version = canonical_version(match.group(1))
            if match.group(3) == "py":
                migrations.append(python_migration(version, match.group(2), entry.path))
            else:
                text = read_text(entry.path)
                migrations.append(sql_migration(version, match.group(2), entry.path, text, NAME))
        else:
            raise bad_name(entry, NAME, RULE)
    for (version, slug), files in golang.items():
        if "up" not in files:
            raise DiscoveryError(
                f"{files['down']}: a down file without its up file.",
                f"Add {version}_{slug}.up.sql or remove the down file.",
                path=files["down"],
            )
        migrations.append(pair(version, slug, files["up"], files.get("down"), "golang-migrate"))
    return flyway.attach_undo(migrations, undo)
