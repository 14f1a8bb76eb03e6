"""``drift``: the schema the migrations make, against the live schema of a database.

The migrations the target has applied are replayed, in order, on a scratch
database on the same server; both schemas are read into models and compared
object by object. Pending migrations are left out of the replay (they are not
drift, only not yet applied) and named in the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pgshift.config import Settings, settings_for
from pgshift.errors import MigrationError
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations.discovery import Migration, project_migrations
from pgshift.migrations.plan import UNTRUSTED, Status, _problem
from pgshift.migrations.session import open_session, status_of
from pgshift.schema.compare import Difference, compare
from pgshift.schema.model import Schema

EXPECTED = "the migrations"
ACTUAL = "the database"


@dataclass(frozen=True, slots=True)
class DriftResult:
    """The differences between the schema the applied migrations make and the live one."""

    target: str
    differences: tuple[Difference, ...]
    replayed: tuple[Migration, ...]  # the applied migrations, replayed on the scratch database
    pending: tuple[str, ...] = ()  # not applied on the target, so not compared
    notes: tuple[str, ...] = ()

    @property
    def drifted(self) -> bool:
        """Whether the live schema differs from the one the migrations make."""
        return bool(self.differences)


def _replayed(status: Status) -> tuple[tuple[Migration, ...], tuple[str, ...]]:
    """The files to replay (what the target ran, in order) and the pending ones."""
    for entry in status.entries:
        if entry.state in UNTRUSTED:
            raise _problem(entry, status)
    chosen: list[Migration] = []
    pending: list[str] = []
    for entry in status.entries:
        if entry.migration is None:
            continue
        if entry.state in ("applied", "baselined"):
            chosen.append(entry.migration)
        else:
            pending.append(entry.migration.name)
    return tuple(chosen), tuple(pending)


def replay_schema(
    settings: Settings,
    migrations: tuple[Migration, ...],
    on_note: Callable[[str], None] | None = None,
) -> Schema:
    """The schema ``migrations`` make from an empty database (a scratch one, dropped after)."""
    from pgshift.workflows.replay import scratch_replay

    with scratch_replay(settings, on_note) as replay:
        for migration in migrations:
            try:
                replay.up(migration)
            except MigrationError as exc:
                exc.hint = (
                    "This migration fails when replayed from an empty database (on a "
                    "scratch one), so the schema the files make cannot be built; 'pgshift "
                    "verify' checks the files on their own. " + exc.hint
                )
                raise
        return replay.schema()


def drift(
    url: str | None = None,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    owners: bool = False,
    on_event: EventHandler | None = None,
) -> DriftResult:
    """Compare the database's live schema with the one its applied migrations make.

    Raises :class:`HistoryError` when an applied file was edited or deleted (the
    files no longer say what ran), and :class:`MigrationError` when an applied
    migration fails on an empty database. ``owners`` also compares object owners.
    """
    from pgshift.schema.introspect import inspect

    settings = settings_for(settings, url, directory)
    migrations = project_migrations(settings).migrations
    notes: list[str] = []

    def note(text: str) -> None:
        notes.append(text)
        emit(on_event, Event("note", text))

    with open_session(settings, write=False, on_event=on_event) as session:
        notes.extend(session.notes)
        status = status_of(session, migrations)
        replayed, pending = _replayed(status)
        actual = inspect(session.conn, exclude=(settings.schema,), helper=session.work())
        target = session.target
    if any(e.state == "baselined" for e in status.entries):
        note(
            "the database was baselined: the files at or below the baseline are replayed "
            "as if they had run"
        )
    if pending:
        count = len(pending)
        note(
            f"{count} migration{'s' if count > 1 else ''} not applied on {target} "
            f"{'are' if count > 1 else 'is'} left out of the comparison: {', '.join(pending[:3])}"
            + (", ..." if count > 3 else "")
        )
    expected = replay_schema(settings, replayed)
    differences = compare(expected, actual, owners=owners)
    return DriftResult(target, differences, replayed, pending, tuple(notes))
