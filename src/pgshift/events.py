"""What a run reports: progress events as it goes, and a result per migration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgshift.migrations.migration import Migration


@dataclass(frozen=True, slots=True)
class Event:
    """Progress of a run, for whoever shows it: the library never prints."""

    kind: str  # "start", "done", "resume", "revert", "reverted", "note", "progress"
    message: str
    migration: Migration | None = None
    index: int = 0  # the migration's place in the run; "progress": statements done
    total: int = 0  # migrations in the run; "progress": the migration's statements
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class RunResult:
    """A migration that ran: how long it took and how many statements it sent."""

    migration: Migration
    seconds: float
    statements: int
    resumed_at: int = 0


EventHandler = Callable[[Event], None]


def emit(on_event: EventHandler | None, event: Event) -> None:
    """Hand ``event`` to the caller's handler, if there is one."""
    if on_event is not None:
        on_event(event)
