"""``repair`` and ``baseline``: history rows written by hand's decision, never by SQL run.

``repair`` accepts edited files' new checksums, forgets the rows of files that are
gone and records renamed files under their new names; ``baseline`` records a
database built before pgshift as migrated up to a version. Neither runs any
migration SQL.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from pgshift.config import Settings
from pgshift.errors import HistoryError
from pgshift.events import EventHandler
from pgshift.migrations import history
from pgshift.migrations.discovery import project_migrations
from pgshift.migrations.session import open_session, status_of
from pgshift.version import __version__


@dataclass(frozen=True, slots=True)
class RepairResult:
    """History rows whose checksum was accepted, and rows forgotten."""

    target: str
    accepted: tuple[str, ...] = ()
    forgotten: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()  # recorded under their file's new name


def repair(
    settings: Settings,
    *,
    forget_missing: bool = False,
    accept_renamed: bool = False,
    on_event: EventHandler | None = None,
) -> RepairResult:
    """Accept the current checksum of edited applied files (and, with ``forget_missing``,
    drop the history rows of files that are gone). Runs no migration SQL.

    A file whose version history records under another name is another migration
    until the caller says otherwise: refused (:class:`HistoryError`, nothing recorded)
    unless ``accept_renamed``, which records the file's name and checksum instead."""
    from pgshift.migrations.plan import taken_error

    migrations = project_migrations(settings).migrations
    with open_session(settings, write=True, on_event=on_event) as session:
        current = status_of(session, migrations)
        changed = [e for e in current.having("changed") if e.migration is not None]
        missing = current.having("missing") if forget_missing else ()
        taken = current.having("version-taken")
        if taken and not accept_renamed:
            raise taken_error(taken, current)
        schema = settings.schema
        with session.conn.transaction():
            history.rename(
                session.conn,
                schema,
                [
                    (e.version, e.slug, e.migration.checksum)
                    for e in taken
                    if e.version and e.migration
                ],
                pid=os.getpid(),
                pgshift_version=__version__,
            )
            history.set_checksum(
                session.conn,
                schema,
                [
                    (e.version, e.slug, e.migration.checksum)
                    for e in changed
                    if e.migration and e.applied
                ],
                pid=os.getpid(),
                pgshift_version=__version__,
            )
            # A no-transaction migration that stopped part-way and whose file then
            # changed: the user finished it by hand, so record it as applied.
            for entry in changed:
                if entry.applied is None and entry.migration is not None:
                    session.conn.execute(
                        history.record_query(schema),
                        {
                            "version": entry.version,
                            "slug": entry.slug,
                            "kind": "versioned",
                            "checksum": entry.migration.checksum,
                            "seconds": 0.0,
                            "pgshift": __version__,
                            "action": "repair",
                            "pid": os.getpid(),
                        },
                    )
                    session.conn.execute(history.clear_journal_query(schema), (entry.version,))
            for entry in missing:
                session.conn.execute(
                    history.forget_query(schema, False),
                    {
                        "version": entry.version,
                        "slug": entry.slug,
                        "action": "forget",
                        "pid": os.getpid(),
                        "pgshift": __version__,
                    },
                )
        return RepairResult(
            session.target,
            tuple(e.label for e in changed),
            tuple(e.label for e in missing),
            tuple(e.migration.name for e in taken if e.migration),
        )


def baseline(
    version: str,
    settings: Settings,
    *,
    on_event: EventHandler | None = None,
) -> tuple[str, ...]:
    """Record every migration up to ``version`` as applied without running it, for a
    database built before pgshift. Refuses when history already has rows."""
    from pgshift.migrations.discovery import canonical_version, version_key

    if not re.fullmatch(r"\d+(?:[._]\d+)*", version):
        raise HistoryError(f"baseline: {version!r} is not a version number.")
    version = canonical_version(version)
    migrations = project_migrations(settings).migrations
    with open_session(settings, write=True, on_event=on_event) as session:
        existing = history.read(session.conn, settings.schema)
        if any(row.kind != "repeatable" for row in existing):
            raise HistoryError(
                "baseline: this database already has migration history.",
                "Baseline is for a database built before pgshift. Use 'pgshift status' to see "
                "what is recorded.",
            )
        limit = version_key(version)
        chosen = [m for m in migrations if m.version is not None and m.sort_key <= limit]
        record = history.record_query(settings.schema)
        with session.conn.transaction():
            for migration in chosen:
                session.conn.execute(
                    record,
                    {
                        "version": migration.version,
                        "slug": migration.slug,
                        "kind": "baseline",
                        "checksum": migration.checksum,
                        "seconds": 0.0,
                        "pgshift": __version__,
                        "action": "baseline",
                        "pid": os.getpid(),
                    },
                )
            if not any(m.version == version for m in chosen):
                session.conn.execute(
                    record,
                    {
                        "version": version,
                        "slug": "baseline",
                        "kind": "baseline",
                        "checksum": "",
                        "seconds": 0.0,
                        "pgshift": __version__,
                        "action": "baseline",
                        "pid": os.getpid(),
                    },
                )
        return tuple(m.name for m in chosen)
