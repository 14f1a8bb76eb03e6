"""``pgshift adopt``: take over a database built by hand, by a script, or by another tool.

Without migration files, adopt writes a first migration that recreates the live
schema (from the model, as ``pgshift dump`` writes it) and records it as applied.
With migration files (say the how-to's ``CREATE TABLE IF NOT EXISTS`` statements
made into files, or another tool's folder), each file is replayed on a scratch
database and the objects it makes are looked for in the live schema: a file whose
objects are all there, as it makes them, is recorded as applied; one whose objects
are missing stays pending; one whose objects differ is reported. Where another
tool's history table is found (Flyway, golang-migrate, dbmate, Alembic), what it
says was applied is recorded, after the same check.

Either way the result is checked: the files built on a scratch database must make
the live schema; what differs is reported. Nothing of the schema itself is changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pgshift.config import Settings, settings_for
from pgshift.errors import HistoryError, PgshiftError
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations import history
from pgshift.migrations.discovery import Migration, project_migrations
from pgshift.migrations.session import open_session
from pgshift.schema.compare import Difference, compare
from pgshift.schema.model import Schema
from pgshift.version import __version__

State = Literal["present", "missing", "different", "empty"]


@dataclass(frozen=True, slots=True)
class FileCheck:
    """One migration file against the live schema."""

    migration: Migration
    state: State  # present: all its objects are there as it makes them
    objects: tuple[str, ...] = ()  # what it makes, "kind name"
    missing: tuple[str, ...] = ()
    different: tuple[Difference, ...] = ()
    recorded_by: str | None = None  # the other tool whose history says it was applied


@dataclass(frozen=True, slots=True)
class AdoptPlan:
    """What adopt would record, read before asking."""

    target: str
    database: str
    checks: tuple[FileCheck, ...]
    to_record: tuple[Migration, ...]
    written: tuple[tuple[Path, str], ...] = ()  # the first migration, when there were no files
    histories: tuple[str, ...] = ()  # other tools' history tables found
    notes: tuple[str, ...] = ()
    prefix: bool = True  # the recorded files are the oldest ones, none pending below them


@dataclass(frozen=True, slots=True)
class AdoptResult:
    """What adopt recorded, and whether the files now make the live schema."""

    plan: AdoptPlan
    recorded: tuple[str, ...]
    left: tuple[Difference, ...] = field(default=())  # files' schema vs the live one

    @property
    def matches(self) -> bool:
        """Whether the migrations, built from empty, make exactly the live schema."""
        return not self.left


def _first_migration(settings: Settings, live: Schema) -> tuple[Path, str]:
    from pgshift.migrations.scaffold import next_version
    from pgshift.schema.dump import render

    folder = settings.migrations_dir
    name = f"{next_version(folder)}_adopted_schema.sql"
    body = render(live).replace("-- Written by pgshift dump.", "")
    text = (
        "-- The schema as it was when pgshift adopted this database (pgshift adopt).\n"
        "-- Recorded as applied there; it builds the same schema in an empty database.\n"
        + body.lstrip("\n")
    )
    return folder / name, text


def _object_names(differences: tuple[Difference, ...]) -> tuple[str, ...]:
    return tuple(f"{d.kind} {d.name}" for d in differences)


def _under(name: str, names: set[str]) -> bool:
    return name in names or any(name.startswith(n + ".") for n in names)


def _check_files(
    settings: Settings,
    migrations: tuple[Migration, ...],
    live: Schema,
    on_event: EventHandler | None,
) -> list[FileCheck]:
    """Replay each file on a scratch database; look for what it makes in ``live``.

    When the live schema is exactly what the first k files make, those k are present
    and the rest missing. Otherwise each file is judged on the objects it makes that
    no later file touches again, as the last file leaves them.
    """
    from pgshift.workflows.replay import scratch_replay

    def note(text: str) -> None:
        emit(on_event, Event("note", text))

    snapshots: list[Schema] = []
    with scratch_replay(settings, note) as replay:
        snapshots.append(replay.schema())
        for migration in migrations:
            replay.up(migration)
            snapshots.append(replay.schema())
    made = [compare(snapshots[k + 1], snapshots[k]) for k in range(len(migrations))]
    # which migrations ran is read from what exists; a column's place says nothing of it
    exact = [
        k for k in range(len(snapshots)) if not compare(snapshots[k], live, column_order=False)
    ]
    checks: list[FileCheck] = []
    if exact:
        top = max(exact)
        for k, migration in enumerate(migrations):
            state: State = "present" if k < top else ("missing" if made[k] else "empty")
            missing = _object_names(made[k]) if state == "missing" else ()
            checks.append(FileCheck(migration, state, _object_names(made[k]), missing))
        return checks
    final = compare(snapshots[-1], live, column_order=False)
    for k, migration in enumerate(migrations):
        later = {d.name for j in range(k + 1, len(migrations)) for d in made[j]}
        own = {d.name for d in made[k]} - later
        relevant = [d for d in final if _under(d.name, own) and not _under(d.name, later)]
        missing = tuple(f"{d.kind} {d.name}" for d in relevant if d.change == "missing")
        different = tuple(d for d in relevant if d.change != "missing")
        if not own:
            state = "empty"
        elif (
            missing
            and not different
            and len(missing) == len(relevant)
            and (any(d.name in own for d in relevant))
        ):
            state = "missing"
        elif relevant:
            state = "different"
        else:
            state = "present"
        checks.append(FileCheck(migration, state, _object_names(made[k]), missing, different))
    return checks


def plan_adopt(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    alembic_dir: str | Path | None = None,
    on_event: EventHandler | None = None,
) -> AdoptPlan:
    """Read the live schema, check the files (or prepare the first one); change nothing."""
    from pgshift.schema.introspect import inspect
    from pgshift.workflows.foreign import applied_files, find_histories

    settings = settings_for(settings, url, None)
    folder = settings.migrations_dir
    if not folder.is_dir():
        raise PgshiftError(
            f"migrations directory {folder} does not exist.", "Run 'pgshift init' first."
        )
    migrations = project_migrations(settings).migrations
    with open_session(settings, write=False, on_event=on_event) as session:
        conn = session.conn
        if history.installed_format(conn, settings.schema) and history.read(conn, settings.schema):
            raise HistoryError(
                f"{session.target} is already managed by pgshift: its history has rows.",
                "Use 'pgshift status' to see them; adopt is for a database pgshift has not run on.",
            )
        live = inspect(conn, exclude=(settings.schema,))
        database = str(conn.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
        foreign = find_histories(conn)
        target = session.target
        notes = list(session.notes)
    if not migrations:
        path, text = _first_migration(settings, live)
        return AdoptPlan(target, database, (), (), ((path, text),), (), tuple(notes))
    checks = _check_files(settings, migrations, live, on_event)
    said: dict[str, str] = {}
    for found in foreign:
        applied = applied_files(
            found, migrations, alembic_dir=Path(alembic_dir) if alembic_dir else None
        )
        for migration in applied:
            said[migration.name] = f"{found.tool} ({found.table})"
    checks = [
        FileCheck(
            c.migration, c.state, c.objects, c.missing, c.different, said.get(c.migration.name)
        )
        for c in checks
    ]
    if said:
        record = [c.migration for c in checks if c.recorded_by]
        wrong = [c for c in checks if c.recorded_by and c.state in ("missing", "different")]
        for check in wrong:
            notes.append(
                f"{check.migration.name}: {check.recorded_by} says it was applied, but its "
                f"objects are {check.state} in the database"
            )
    else:
        # a file that makes nothing (a data change) counts only below one that is present
        last_present = max((i for i, c in enumerate(checks) if c.state == "present"), default=-1)
        record = [
            c.migration
            for i, c in enumerate(checks)
            if c.state == "present" or (c.state == "empty" and i < last_present)
        ]
    versioned = [m for m in migrations if m.kind == "versioned"]
    prefix = [m.name for m in versioned[: len([m for m in record if m.kind == "versioned"])]] == [
        m.name for m in record if m.kind == "versioned"
    ]
    return AdoptPlan(
        target,
        database,
        tuple(checks),
        tuple(record),
        (),
        tuple(f"{f.tool}: {f.table}" for f in foreign),
        tuple(notes),
        prefix,
    )


def adopt(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    plan: AdoptPlan | None = None,
    alembic_dir: str | Path | None = None,
    on_event: EventHandler | None = None,
) -> AdoptResult:
    """Write the first migration (when there were no files) and record the files the
    live database already has as applied; then check the files make the live schema."""
    from pgshift.schema.introspect import inspect
    from pgshift.workflows.drift import replay_schema

    settings = settings_for(settings, url, None)
    if plan is None:
        plan = plan_adopt(settings=settings, alembic_dir=alembic_dir, on_event=on_event)
    for path, text in plan.written:
        if path.exists():
            raise PgshiftError(f"{path} already exists; nothing was recorded.")
        path.write_text(text)
    migrations = project_migrations(settings).migrations
    names = {m.name for m in plan.to_record} | {p.name for p, _ in plan.written}
    chosen = [m for m in migrations if m.name in names]
    kind = "baseline" if plan.prefix else "versioned"
    with open_session(settings, write=True, on_event=on_event) as session:
        conn = session.conn
        if history.read(conn, settings.schema):
            raise HistoryError(
                f"{session.target} got pgshift history while adopt was asking; nothing recorded.",
                "Run 'pgshift status' to see what is there.",
            )
        record = history.record_query(settings.schema)
        with conn.transaction():
            for migration in chosen:
                conn.execute(
                    record,
                    {
                        "version": migration.version,
                        "slug": migration.slug,
                        "kind": kind if migration.kind == "versioned" else "repeatable",
                        "checksum": migration.checksum,
                        "seconds": 0.0,
                        "pgshift": __version__,
                        "action": "adopt",
                        "pid": os.getpid(),
                    },
                )
        live = inspect(conn, exclude=(settings.schema,))
    built = replay_schema(settings, tuple(m for m in migrations if m.name in names))
    # the other tools' history tables are theirs, not the application's schema
    theirs = {found.partition(": ")[2] for found in plan.histories}
    left = tuple(d for d in compare(built, live) if d.name not in theirs)
    return AdoptResult(plan, tuple(m.name for m in chosen), left)
