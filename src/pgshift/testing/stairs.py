"""The stairway check: each migration up, down and up again, the schema compared."""

from __future__ import annotations

from dataclasses import dataclass

from pgshift.config import Settings
from pgshift.errors import PgshiftError
from pgshift.migrations.discovery import Migration, project_migrations
from pgshift.schema.model import Schema


@dataclass(frozen=True, slots=True)
class StairwayStep:
    """One migration taken up, down and up again, with the schema compared."""

    migration: str
    ok: bool
    problem: str = ""


def stairway(settings: Settings, url: str) -> tuple[StairwayStep, ...]:
    """The "stairway" test: each migration up, down and up again, one at a time, on a
    scratch database of the server at ``url``; after each down the schema must equal
    the one before that migration's up. Raises :class:`PgshiftError` naming the first
    migration that fails, with what differs."""
    from pgshift.workflows.replay import scratch_replay

    settings = settings.with_url(url, "argument")
    steps: list[StairwayStep] = []
    with scratch_replay(settings) as replay:
        before = replay.schema()
        for migration in project_migrations(settings).fresh:
            replay.up(migration)
            if migration.kind != "versioned":
                continue
            after = replay.schema()
            if not migration.has_down:
                raise PgshiftError(
                    f"{migration.path}: no down part, so the stairway cannot step back.",
                    "Add a '-- pgshift:down' section that undoes the up part.",
                )
            replay.down(migration)
            _same(
                migration,
                before,
                replay.schema(),
                ("before the up", "after the down"),
                "the down part does not undo the up part",
                "Make the down part drop or restore each object listed.",
            )
            replay.up(migration)
            _same(
                migration,
                after,
                replay.schema(),
                ("first up", "second up"),
                "applied again after its down, it makes another schema",
                "The down part leaves something the up part does not set back.",
            )
            steps.append(StairwayStep(migration.name, True))
            before = after
    return tuple(steps)


def _same(
    migration: Migration,
    expected: Schema,
    actual: Schema,
    sides: tuple[str, str],
    problem: str,
    hint: str,
) -> None:
    """Raise ``problem`` of ``migration`` with each difference when the schemas differ."""
    from pgshift.schema.compare import compare

    # a column a down adds back stands at the end: the best PostgreSQL can do
    differences = compare(expected, actual, column_order=False)
    if differences:
        shown = "\n".join("    " + d.describe(*sides) for d in differences)
        raise PgshiftError(f"{migration.path}: {problem}:\n{shown}", hint)
