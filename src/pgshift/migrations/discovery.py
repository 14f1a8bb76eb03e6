"""A migrations directory into :class:`Migration` values, in the order they run.

The directory is read by the rules of one layout (:mod:`pgshift.migrations.layouts`): pgshift's
own, or another tool's, so a team can switch without renaming anything. ``auto``
(the default) picks the layout the names show. Files whose names start with ``.`` or
``_`` and files that are neither ``.sql`` nor ``.py`` (a README, ``atlas.sum``,
``migration_lock.toml``) are not migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pgshift.config import Settings
from pgshift.errors import DiscoveryError
from pgshift.migrations import layouts
from pgshift.migrations.layouts._common import Entry, entries, sql_migration
from pgshift.migrations.migration import (
    FOREIGN_LAYOUTS,
    Kind,
    Language,
    Migration,
    canonical_version,
    read_text,
    version_key,
)
from pgshift.migrations.sections import DBMATE_UP

__all__ = [
    "FOREIGN_LAYOUTS",
    "Directory",
    "Kind",
    "Language",
    "Migration",
    "canonical_version",
    "discover",
    "layout_of",
    "project_migrations",
    "read_directory",
    "read_text",
    "sql_file",
    "version_key",
]


@dataclass(frozen=True, slots=True)
class Directory:
    """A migrations directory as read: its layout, and its migrations in order."""

    path: Path
    layout: str
    detected: bool  # True: ``auto`` picked the layout; False: the settings pinned it
    migrations: tuple[Migration, ...]

    @property
    def fresh(self) -> tuple[Migration, ...]:
        """What a database without history runs, in order: :func:`fresh_order`."""
        return fresh_order(self.migrations)


def fresh_order(migrations: tuple[Migration, ...]) -> tuple[Migration, ...]:
    """The migrations a database without history runs: the newest Flyway baseline
    migration instead of the versioned ones up to its version, no other baseline."""
    baselines = [m for m in migrations if m.baseline]
    if not baselines:
        return migrations
    chosen = max(baselines, key=lambda m: m.sort_key)
    return tuple(
        m
        for m in migrations
        if m is chosen
        or not (m.baseline or (m.version is not None and m.sort_key <= chosen.sort_key))
    )


def read_directory(directory: Path, layout: str = "auto", dialect: str = "postgres") -> Directory:
    """Read ``directory`` by ``layout``'s rules (``auto``: the one its names show).

    Raises :class:`DiscoveryError` for a name the layout does not read, a duplicate
    version, an unknown directive, a non-UTF-8 file or one holding a NUL byte (and,
    in pgshift's own layout, an empty file): nothing is returned half-read.
    """
    if not directory.is_dir():
        raise DiscoveryError(
            f"migrations directory {directory} does not exist.",
            "Run 'pgshift init' to create it, or point --dir / PGSHIFT_MIGRATIONS at it.",
            path=directory,
        )
    found = entries(directory)
    name = _detect(found) if layout == "auto" else layout
    migrations = layouts.READERS[name](found, dialect)
    return Directory(directory, name, layout == "auto", _ordered(migrations))


def layout_of(directory: Path, layout: str = "auto") -> str:
    """The layout ``directory`` is read by, from the names alone (and dbmate's marker),
    without reading it as migrations: a file still being written does not stop it."""
    return layout if layout != "auto" else _detect(entries(directory))


def _detect(found: tuple[Entry, ...]) -> str:
    """The layout the names show, or dbmate when every SQL file has dbmate's sections
    (dbmate reads any name that starts with digits)."""
    name = layouts.detect(found)
    if name in ("pgshift", "postgres-migrations"):
        sql_files = [e.path for e in found if not e.is_dir and e.name.endswith(".sql")]
        if sql_files and all(_dbmate(path) for path in sql_files):
            return "dbmate"
    return name


def _dbmate(path: Path) -> bool:
    try:
        return DBMATE_UP.search(path.read_text(errors="replace")) is not None
    except OSError:
        return False


def discover(
    directory: Path, layout: str = "auto", dialect: str = "postgres"
) -> tuple[Migration, ...]:
    """Every migration in ``directory``: versioned ones in order, then repeatables by name."""
    return read_directory(directory, layout, dialect).migrations


def project_migrations(settings: Settings) -> Directory:
    """The project's migrations directory, read by its settings' layout and dialect."""
    return read_directory(settings.migrations_dir, settings.layout, settings.dialect)


def _ordered(found: list[Migration]) -> tuple[Migration, ...]:
    by_version: dict[str, list[Migration]] = {}
    for migration in found:
        if migration.version is not None and not migration.baseline:
            by_version.setdefault(migration.version, []).append(migration)
    for version, group in by_version.items():
        if len(group) > 1:
            names = ", ".join(str(m.path) for m in group)
            raise DiscoveryError(
                f"two migrations have version {version}: {names}.",
                "Give one of them the next free version number.",
                path=group[0].path,
            )
    repeatables: dict[str, Migration] = {}
    for migration in found:
        if migration.kind == "repeatable":
            if migration.slug in repeatables:
                raise DiscoveryError(
                    f"two repeatable migrations are named {migration.slug}.",
                    "Rename one of them.",
                    path=migration.path,
                )
            repeatables[migration.slug] = migration
    baseline_versions = [m.version for m in found if m.baseline]
    for migration in found:
        if migration.baseline and baseline_versions.count(migration.version) > 1:
            raise DiscoveryError(
                f"two baseline migrations have version {migration.version}.",
                "Keep one of them.",
                path=migration.path,
            )
    # a baseline migration comes before the versioned one of the same version
    versioned = sorted(
        (m for m in found if m.kind == "versioned"), key=lambda m: (m.sort_key, not m.baseline)
    )
    return (*versioned, *sorted(repeatables.values(), key=_repeatable_order))


def _repeatable_order(migration: Migration) -> str:
    """Repeatables run by name; Flyway's by description (its ``_`` read as a space)."""
    return migration.slug.replace("_", " ") if migration.layout == "flyway" else migration.slug


def sql_file(path: Path, text: str | None = None) -> Migration:
    """Any ``.sql`` file (or ``text`` said to come from it) read as a migration, with its
    directives, up and down parts, whatever its name: what ``pgshift lint FILE`` reads."""
    return sql_migration(None, path.stem, path, read_text(path) if text is None else text, "file")
