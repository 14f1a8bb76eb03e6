"""``fleet status``: where every target stands, read in parallel; ``--drift`` compares
each target's live schema with the one its applied migrations make.

A target is ``up to date``, ``behind`` (migrations pending), ``partial`` (a
no-transaction migration stopped part-way: a ``migrate`` resumes it), ``failed``
(history and files disagree, or the last fleet run failed there and it is still
behind), ``unreachable``, or, with ``drift``, ``drifted``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgshift.config import Settings, settings_for
from pgshift.errors import ConfigError, ConnectError, PgshiftError
from pgshift.fleet.results import FAILED as LAST_FAILED
from pgshift.fleet.targets import Target, as_targets, resolve_targets

if TYPE_CHECKING:
    from pgshift.migrations.discovery import Migration
    from pgshift.schema.model import Schema

UP_TO_DATE = "up to date"
BEHIND = "behind"
PARTIAL = "partial"
FAILED = "failed"
UNREACHABLE = "unreachable"
DRIFTED = "drifted"
STATES = (UP_TO_DATE, BEHIND, PARTIAL, FAILED, UNREACHABLE, DRIFTED)
_OWN_TABLES = ("history", "journal", "log", "backfill")


@dataclass(frozen=True, slots=True)
class TargetStatus:
    """Where one target stands."""

    target: Target
    state: str  # one of STATES
    version: str | None = None  # the highest applied version
    pending: int = 0
    message: str | None = None
    differences: tuple[str, ...] = ()  # with drift: what differs, one line each

    def as_json(self) -> dict[str, Any]:
        """The status as plain values (``--json``)."""
        return {
            "target": self.target.name,
            "schema": self.target.schema,
            "state": self.state,
            "version": self.version,
            "pending": self.pending,
            "message": self.message,
            "differences": list(self.differences),
        }


@dataclass(frozen=True, slots=True)
class FleetStatus:
    """Every target's status, in the order the targets were given."""

    targets: tuple[TargetStatus, ...]
    newest: str | None  # the newest version among the files

    @property
    def ok(self) -> bool:
        """Whether every target is up to date."""
        return all(t.state == UP_TO_DATE for t in self.targets)

    @property
    def counts(self) -> dict[str, int]:
        """How many targets are in each state."""
        return dict(Counter(t.state for t in self.targets))

    def as_json(self) -> dict[str, Any]:
        """Plain values (``--json``)."""
        return {
            "ok": self.ok,
            "newest": self.newest,
            "counts": self.counts,
            "targets": [t.as_json() for t in self.targets],
        }


@dataclass(frozen=True, slots=True)
class _Read:
    status: TargetStatus
    applied: tuple[Migration, ...] = ()
    live: Schema | None = None


def status(
    targets: Sequence[str | Target] | None = None,
    *,
    settings: Settings | None = None,
    directory: str | Path | None = None,
    parallel: int | None = None,
    drift: bool = False,
) -> FleetStatus:
    """Every target's version, pending count and state (see the module's docstring)."""
    from pgshift.fleet.record import recalled
    from pgshift.fleet.run import default_parallel
    from pgshift.migrations.discovery import project_migrations

    settings = settings_for(settings, None, directory)
    chosen = as_targets(targets) if targets is not None else resolve_targets(settings)
    if not chosen:
        raise ConfigError("the fleet has no targets: the list given is empty.")
    migrations = project_migrations(settings).migrations
    last = recalled(settings)
    width = parallel or default_parallel(chosen)
    with ThreadPoolExecutor(width, thread_name_prefix="pgshift-fleet") as pool:
        reads = list(
            pool.map(lambda t: _read(t, settings, migrations, last.get(t.name), drift), chosen)
        )
    found = [read.status for read in reads]
    if drift:
        found = _drifts(settings, reads)
    versions = [m.version for m in migrations if m.version is not None]
    from pgshift.migrations.discovery import version_key

    newest = max(versions, key=version_key) if versions else None
    return FleetStatus(tuple(found), newest)


def _read(
    target: Target,
    settings: Settings,
    migrations: tuple[Migration, ...],
    last: dict[str, Any] | None,
    drift: bool,
) -> _Read:
    """One target's status (and, for drift, its applied files and live schema)."""
    from pgshift.migrations.plan import _problem
    from pgshift.migrations.session import open_session, status_of

    chosen = target.settings(settings)
    try:
        with open_session(chosen, write=False, on_event=None) as session:
            found = status_of(session, migrations)
            live = _live(session, target) if drift and not found.problems else None
    except ConnectError as exc:
        return _Read(TargetStatus(target, UNREACHABLE, message=exc.message))
    except PgshiftError as exc:
        return _Read(TargetStatus(target, FAILED, message=exc.message))
    pending = len(found.pending)
    problems = [e for e in found.problems if e.state != "partial"]  # partial: resumable
    if problems:
        problem = _problem(problems[0], found)
        return _Read(TargetStatus(target, FAILED, found.current, pending, problem.message))
    applied = tuple(
        e.migration
        for e in found.entries
        if e.migration is not None and e.state in ("applied", "baselined")
    )
    if found.having("partial"):
        entry = found.having("partial")[0]
        name = entry.migration.name if entry.migration else entry.label
        message = f"{name} stopped part-way; 'pgshift fleet migrate' resumes it"
        return _Read(TargetStatus(target, PARTIAL, found.current, pending, message), applied, live)
    if pending:
        state, message = BEHIND, f"{pending} pending"
        if last and last.get("state") in (LAST_FAILED, "timed out", "cancelled", "unreachable"):
            state = FAILED
            message = f"last fleet run ({last.get('at')}): {last.get('state')}: " + str(
                last.get("message") or ""
            )
        return _Read(TargetStatus(target, state, found.current, pending, message), applied, live)
    return _Read(TargetStatus(target, UP_TO_DATE, found.current, 0), applied, live)


def _live(session: Any, target: Target) -> Schema:
    from pgshift.schema.introspect import inspect

    if target.schema is None:
        return inspect(session.conn, exclude=(session.settings.schema,))
    return only(inspect(session.conn, exclude=()), target.schema)


def only(model: Schema, schema: str) -> Schema:
    """The objects of ``model`` in ``schema``, pgshift's own tables there left out."""
    own = {f"{schema}.{name}" for name in _OWN_TABLES}

    def keep(item: Any) -> bool:
        return bool(getattr(item, "schema", schema) == schema)

    return replace(
        model,
        schemas=tuple(s for s in model.schemas if s.name == schema),
        tables=tuple(t for t in model.tables if keep(t) and f"{t.schema}.{t.name}" not in own),
        sequences=tuple(
            s
            for s in model.sequences
            if keep(s) and not any((s.owned_by or "").startswith(f"{t}.") for t in own)
        ),
        enums=tuple(e for e in model.enums if keep(e)),
        domains=tuple(d for d in model.domains if keep(d)),
        composites=tuple(c for c in model.composites if keep(c)),
        functions=tuple(f for f in model.functions if keep(f)),
        extensions=tuple(e for e in model.extensions if keep(e)),
        collations=tuple(c for c in model.collations if keep(c)),
    )


def _drifts(settings: Settings, reads: list[_Read]) -> list[TargetStatus]:
    """Each read's status, ``drifted`` where the live schema differs from the replayed one.

    The replay (on a scratch database of the target's server) is done once per distinct
    set of applied files among database targets, once per tenant for schema targets."""
    from pgshift.schema.compare import compare

    expected: dict[tuple[Any, ...], Schema] = {}
    found: list[TargetStatus] = []
    for read in reads:
        current = read.status
        if read.live is None or current.state in (UNREACHABLE, FAILED):
            found.append(current)
            continue
        target = current.target
        key = (target.server, target.schema, tuple(m.name for m in read.applied))
        try:
            if key not in expected:
                expected[key] = _expected(target.settings(settings), read.applied, target.schema)
        except PgshiftError as exc:
            found.append(replace(current, state=FAILED, message=f"drift: {exc.message}"))
            continue
        differences = compare(expected[key], read.live)
        if differences:
            lines = tuple(d.describe("the migrations", "the database") for d in differences)
            found.append(
                replace(
                    current,
                    state=DRIFTED,
                    message=f"{len(lines)} difference{'s' if len(lines) > 1 else ''}: " + lines[0],
                    differences=lines,
                )
            )
        else:
            found.append(current)
    return found


def _expected(settings: Settings, migrations: tuple[Migration, ...], schema: str | None) -> Schema:
    """The schema ``migrations`` make (a tenant's: in its schema), replayed on a scratch
    database of the target's server."""
    from pgshift.schema.introspect import inspect
    from pgshift.workflows.drift import replay_schema
    from pgshift.workflows.replay import scratch_replay

    if schema is None:
        return replay_schema(settings, migrations)
    with scratch_replay(settings) as replay:
        for migration in migrations:
            replay.up(migration)
        return only(inspect(replay.reader, exclude=()), schema)
