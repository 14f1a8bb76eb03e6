"""Flyway: ``V1__slug.sql``, ``V1.2__slug.sql``, ``U1__slug.sql`` (undo), ``R__slug.sql``.

Versions compare part by part as integers (``1.10`` after ``1.9``); repeatables run
after the versioned ones, in the order of their descriptions, again when they change.
A baseline migration ``B2__slug.sql`` (the whole schema as of version 2) runs, on a
database without history, instead of the ``V`` files up to its version. A
``<file>.sql.conf`` beside a migration with ``executeInTransaction=false`` runs it
outside a transaction, and a file holding a statement that cannot run in one
(``CREATE INDEX CONCURRENTLY``) is run outside one, as Flyway does on PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import (
    Entry,
    bad_name,
    finish,
    is_migration_file,
    sql_migration,
)
from pgshift.migrations.migration import Migration, canonical_version, digest, read_text
from pgshift.migrations.sections import Section

NAME = "flyway"
VERSIONED = re.compile(r"^([VUB])(\d+(?:[._]\d+)*)__(.+)\.sql$")
REPEATABLE = re.compile(r"^R__(.+)\.sql$")
RULE = (
    "V<version>__<description>.sql, U<version>__<description>.sql, "
    "B<version>__<description>.sql or R__<description>.sql"
)
_FALSE = re.compile(r"^\s*executeInTransaction\s*=\s*false\s*$", re.I | re.M)


def _conf(path: Path) -> tuple[bool, tuple[str, ...]]:
    """Whether ``<file>.sql.conf`` lets the file run in a transaction, and its text."""
    conf = path.with_name(path.name + ".conf")
    if not conf.is_file():
        return True, ()
    text = read_text(conf)
    return not _FALSE.search(text), (text,)


def read_one(
    entry: Entry, found: list[Migration], undo: dict[str, Path], repeatable: str = NAME
) -> None:
    """Read one Flyway file into ``found`` (an undo file into ``undo``, by version);
    ``repeatable`` is the layout an ``R__`` file is given."""
    name = entry.name
    if match := REPEATABLE.match(name):
        text = read_text(entry.path)
        transaction, extra = _conf(entry.path)
        found.append(
            sql_migration(
                None,
                match.group(1),
                entry.path,
                text,
                repeatable,
                extra=extra,
                transaction=transaction,
            )
        )
        return
    match = VERSIONED.match(name)
    assert match is not None
    version = canonical_version(match.group(2))
    if match.group(1) == "U":
        undo[version] = entry.path
        return
    text = read_text(entry.path)
    transaction, extra = _conf(entry.path)
    migration = sql_migration(
        version, match.group(3), entry.path, text, NAME, extra=extra, transaction=transaction
    )
    found.append(replace(migration, baseline=True) if match.group(1) == "B" else migration)


def attach_undo(found: list[Migration], undo: dict[str, Path]) -> list[Migration]:
    """Give each versioned migration its ``U`` file as its down part."""
    by_version = {
        m.version: i for i, m in enumerate(found) if m.version is not None and not m.baseline
    }
    for version, path in undo.items():
        index = by_version.get(version)
        if index is None:
            raise DiscoveryError(
                f"{path}: an undo file for version {version}, which has no V file.",
                "Add the V file or remove the undo file.",
                path=path,
            )
        target = found[index]
        text = read_text(path)
        down = Section(text, path, 1)
        target = replace(
            target,
            checksum=digest(read_text(target.path), text, *_conf(target.path)[1]),
            down=down,
            has_down=True,
            down_transaction=None,
        )
        found[index] = finish(target)
    return found


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every Flyway migration among ``found``."""
    migrations: list[Migration] = []
    undo: dict[str, Path] = {}
    for entry in found:
        if entry.is_dir:
            raise bad_name(entry, NAME, RULE)
        if not is_migration_file(entry):
            continue
        if VERSIONED.match(entry.name) or REPEATABLE.match(entry.name):
            read_one(entry, migrations, undo)
        else:
            raise bad_name(entry, NAME, RULE)
    return attach_undo(migrations, undo)
