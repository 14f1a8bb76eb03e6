"""Files against history: the status of every migration and the plan of a run. Pure.

Nothing here talks to a database; the runner reads history under the lock and
hands it in, so what is planned is what the locked database holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pgshift.errors import HistoryError, NotReversible
from pgshift.migrations.discovery import Migration, version_key
from pgshift.migrations.history import Applied, JournalEntry

State = Literal[
    "applied",
    "baselined",
    "pending",
    "changed",
    "version-taken",
    "missing",
    "out-of-order",
    "below-baseline",
    "partial",
    "skipped",
]
PROBLEMS: frozenset[str] = frozenset(
    {"changed", "version-taken", "missing", "out-of-order", "partial"}
)
# History and files disagree on what ran: nothing is planned until someone decides.
UNTRUSTED: frozenset[str] = frozenset({"changed", "version-taken", "missing"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One migration's state: a file, a history row, or both."""

    version: str | None
    slug: str
    state: State
    migration: Migration | None = None
    applied: Applied | None = None
    done_statements: int = 0

    @property
    def label(self) -> str:
        """``version slug``, or ``R__slug`` for a repeatable."""
        return f"{self.version} {self.slug}" if self.version is not None else f"R__{self.slug}"


@dataclass(frozen=True, slots=True)
class Status:
    """Every migration known to the files or the history, in order."""

    entries: tuple[Entry, ...]

    def having(self, *states: str) -> tuple[Entry, ...]:
        """The entries in any of ``states``."""
        return tuple(e for e in self.entries if e.state in states)

    @property
    def pending(self) -> tuple[Entry, ...]:
        """Entries a plain ``migrate`` would run (partial ones resume)."""
        return self.having("pending", "partial")

    @property
    def problems(self) -> tuple[Entry, ...]:
        """Entries that stop a ``migrate`` until someone decides."""
        return tuple(e for e in self.entries if e.state in PROBLEMS)

    @property
    def current(self) -> str | None:
        """The highest applied (or baselined) version."""
        versions = [
            e.version
            for e in self.entries
            if e.version is not None
            and e.state in ("applied", "baselined", "missing", "changed", "version-taken")
        ]
        return max(versions, key=version_key) if versions else None

    @property
    def up_to_date(self) -> bool:
        """True when nothing is pending and nothing is wrong."""
        return not self.pending and not self.problems


def compute_status(
    migrations: Sequence[Migration],
    applied: Sequence[Applied],
    journal: Sequence[JournalEntry] = (),
) -> Status:
    """Match files with history rows and name each one's state."""
    rows = {a.version: a for a in applied if a.version is not None}
    repeatable_rows = {a.slug: a for a in applied if a.kind == "repeatable"}
    baseline_top = max(
        (version_key(a.version) for a in applied if a.kind == "baseline" and a.version),
        default=(),
    )
    applied_top = max(
        (version_key(a.version) for a in applied if a.version is not None and a.kind != "baseline"),
        default=(),
    )
    done: dict[str, int] = {}
    for item in journal:
        done[item.version] = max(done.get(item.version, 0), item.statement)
    journal_sums = {item.version: item.checksum for item in journal}

    # On a database without history, the newest Flyway baseline migration runs instead
    # of the versioned migrations up to its version.
    baselines = [m for m in migrations if m.baseline]
    fresh = not done and not any(a.version is not None for a in applied)
    chosen = max(baselines, key=lambda m: m.sort_key) if baselines and fresh else None
    baseline_slugs = {m.slug for m in baselines}

    entries: list[Entry] = []
    seen: set[str] = set()
    for migration in migrations:
        if migration.baseline:
            entries.append(_baseline_entry(migration, rows, seen, chosen))
            continue
        if migration.kind == "repeatable":
            row = repeatable_rows.get(migration.slug)
            state: State = "applied" if row and row.checksum == migration.checksum else "pending"
            entries.append(Entry(None, migration.slug, state, migration, row))
            continue
        version = migration.version
        assert version is not None
        row = rows.get(version)
        if row is not None and row.kind == "baseline" and row.slug in baseline_slugs:
            state = "below-baseline"  # the baseline migration of this version ran instead
        elif chosen is not None and migration.sort_key <= chosen.sort_key:
            state = "below-baseline"
        elif row is not None:
            seen.add(version)
            if row.checksum == migration.checksum:
                state = "baselined" if row.kind == "baseline" else "applied"
            elif row.slug != migration.slug:
                # another name and other content: another migration, which has not run
                state = "version-taken"
            else:
                state = "changed"
        elif version in done and (done[version] or journal_sums[version] == migration.checksum):
            # started (row 0) and died: partial; with a file changed since, nothing of
            # the old one completed, so the new one is merely pending
            state = "partial" if journal_sums[version] == migration.checksum else "changed"
        elif baseline_top and migration.sort_key <= baseline_top:
            state = "below-baseline"
        elif applied_top and migration.sort_key < applied_top:
            state = "out-of-order"
        else:
            state = "pending"
        entries.append(Entry(version, migration.slug, state, migration, row, done.get(version, 0)))
    for row in applied:
        if row.version is None or row.version in seen:
            continue
        if row.kind == "baseline" and not row.checksum:
            entries.append(Entry(row.version, row.slug, "baselined", None, row))
            continue
        entries.append(Entry(row.version, row.slug, "missing", None, row))
    versioned = sorted(
        (e for e in entries if e.version is not None), key=lambda e: version_key(e.version or "0")
    )
    return Status((*versioned, *(e for e in entries if e.version is None)))


def _baseline_entry(
    migration: Migration, rows: dict[str, Applied], seen: set[str], chosen: Migration | None
) -> Entry:
    """A Flyway baseline migration's state: run (its own row), to run, or not needed."""
    version = migration.version
    assert version is not None
    row = rows.get(version)
    if row is not None and row.slug == migration.slug:
        seen.add(version)
        state: State = "baselined" if row.checksum == migration.checksum else "changed"
        return Entry(version, migration.slug, state, migration, row)
    return Entry(
        version, migration.slug, "pending" if migration is chosen else "skipped", migration
    )


@dataclass(frozen=True, slots=True)
class Step:
    """A migration to run, and where to resume it (statements already done)."""

    migration: Migration
    resume_at: int = 0


def _problem(entry: Entry, status: Status) -> HistoryError:
    name = entry.migration.name if entry.migration else entry.label
    if entry.state == "changed" and entry.applied is None:
        return HistoryError(
            f"{name} changed after it was partly applied (it is a no-transaction migration "
            f"that stopped after statement {entry.done_statements}).",
            "Restore the file as it was and run migrate again to finish it; or, if you "
            "finished it by hand, record that with 'pgshift repair'.",
        )
    if entry.state == "changed":
        return HistoryError(
            f"{name} was edited after it was applied (its checksum differs from the one "
            "recorded in history).",
            "Undo the edit (for example git checkout) and put the change in a new migration. "
            "If the edit changes nothing that ran (a comment, whitespace), accept it with "
            "'pgshift repair'.",
        )
    if entry.state == "version-taken":
        return taken_error((entry,), status)
    if entry.state == "missing":
        files = [e.migration.sort_key for e in status.entries if e.migration is not None]
        newest = max(files, default=())
        if entry.version and version_key(entry.version) > newest:
            return HistoryError(
                f"the database is ahead of these files: version {entry.label} is applied but "
                "no file here has it.",
                "Deploy the newer migrations (or point --dir at them); an older release must "
                "not migrate a newer database.",
            )
        return HistoryError(
            f"migration {entry.label} is applied but its file is gone.",
            "Restore the file (for example from git). If it was removed on purpose, "
            "'pgshift repair --forget-missing' drops its history row.",
        )
    return HistoryError(
        f"{name} is pending but older than the newest applied migration ({status.current}).",
        "It was probably merged late. Give it a version above the newest, or run it where it "
        "is with --allow-out-of-order.",
    )


def taken_error(entries: Sequence[Entry], status: Status) -> HistoryError:
    """The paragraph for files whose version history records under another name."""
    lines = []
    for entry in entries:
        assert entry.migration is not None
        assert entry.applied is not None
        applied = entry.applied
        lines.append(
            f"{entry.migration.name} is not the migration applied as version {entry.version}: "
            f"history records '{entry.version} {applied.slug}' there, applied "
            f"{applied.applied_at:%Y-%m-%d %H:%M} from a file with other content; "
            f"{entry.migration.name} has never run."
        )
    first = entries[0]
    assert first.migration is not None
    assert first.applied is not None
    return HistoryError(
        "\n".join(lines),
        f"If {first.migration.name} is '{first.version} {first.applied.slug}' under a new name "
        "(the same migration; its text differs too, so check the edit changes nothing that "
        "ran), record its name and checksum with 'pgshift repair --accept-renamed'. If it is "
        "another migration (from another branch, or another project sharing this database), "
        "give it a version of its own, above "
        f"{status.current}; two projects in one database each need their own history schema "
        "(--schema or PGSHIFT_SCHEMA).",
    )


def _target_key(target: str) -> tuple[int, ...]:
    try:
        return version_key(target)
    except ValueError:
        raise HistoryError(
            f"--to {target}: not a version number.",
            "Use a version from 'pgshift status', such as 3 or 20261124013000.",
        ) from None


def make_plan(
    status: Status,
    *,
    target: str | None = None,
    allow_out_of_order: bool = False,
) -> tuple[Step, ...]:
    """The steps of a ``migrate``: pending versioned migrations up to ``target``, then
    repeatables whose checksum changed (only when migrating to the latest).

    Raises :class:`HistoryError` when an applied file was edited or deleted, or a
    pending one is older than the newest applied, unless that is allowed.
    """
    for entry in status.entries:
        if entry.state in UNTRUSTED:
            raise _problem(entry, status)
        if entry.state == "out-of-order" and not allow_out_of_order:
            raise _problem(entry, status)
    limit = _target_key(target) if target is not None else None
    if limit is not None and not any(
        e.version is not None and version_key(e.version) == limit for e in status.entries
    ):
        raise HistoryError(
            f"--to {target}: no migration has that version.",
            "Run 'pgshift status' to see the versions.",
        )
    steps: list[Step] = []
    for entry in status.entries:
        migration = entry.migration
        if migration is None or migration.kind != "versioned":
            continue
        if entry.state not in ("pending", "partial", "out-of-order"):
            continue
        if limit is not None and migration.sort_key > limit:
            continue
        steps.append(Step(migration, entry.done_statements))
    if target is None:
        steps.extend(
            Step(e.migration)
            for e in status.entries
            if e.migration is not None and e.migration.kind == "repeatable" and e.state == "pending"
        )
    return tuple(steps)


def down_plan(
    status: Status, *, target: str | None = None, steps: int | None = None
) -> tuple[Migration, ...]:
    """The applied migrations to revert, newest first: down to (not including) ``target``,
    or the last ``steps`` of them (1 when neither is given)."""
    applied = [e for e in status.entries if e.state == "applied" and e.migration is not None]
    for entry in status.entries:
        if entry.state in UNTRUSTED:
            raise _problem(entry, status)
    applied.sort(key=lambda e: version_key(e.version or "0"), reverse=True)
    if target is not None:
        limit = _target_key(target)
        if target != "0" and not any(
            e.version is not None and version_key(e.version) == limit for e in status.entries
        ):
            raise HistoryError(
                f"--to {target}: no migration has that version.",
                "Use a version from 'pgshift status', or 0 to revert everything.",
            )
        chosen = [e for e in applied if version_key(e.version or "0") > limit]
    else:
        chosen = applied[: 1 if steps is None else steps]
    result = tuple(e.migration for e in chosen if e.migration is not None)
    lacking = [m for m in result if not m.has_down]
    if lacking:
        names = ", ".join(m.name for m in lacking)
        raise NotReversible(
            f"cannot go down: {names} {'has' if len(lacking) == 1 else 'have'} no down part; "
            "nothing was reverted.",
            "Add a '-- pgshift:down' section (or a down(conn) function, or a .down.sql file), "
            "or write a new migration that undoes the change.",
        )
    return result
