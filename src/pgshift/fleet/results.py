"""What a fleet run reports: one result per target, the run's totals, its events."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from pgshift.events import Event
from pgshift.fleet.targets import Target

# A target's state after a fleet run. The first two are success.
MIGRATED = "migrated"
UP_TO_DATE = "up to date"
FAILED = "failed"
UNREACHABLE = "unreachable"
TIMED_OUT = "timed out"
CANCELLED = "cancelled"
SKIPPED = "skipped"  # never started: a canary failed, too many failures, or interrupted
RUN_STATES = (MIGRATED, UP_TO_DATE, FAILED, UNREACHABLE, TIMED_OUT, CANCELLED, SKIPPED)


@dataclass(frozen=True, slots=True)
class TargetResult:
    """What a fleet run did on one target."""

    target: Target
    state: str  # one of RUN_STATES
    applied: tuple[str, ...] = ()  # the migrations applied, in order
    seconds: float = 0.0
    message: str | None = None  # what went wrong (or why it was skipped)
    hint: str | None = None
    notes: tuple[str, ...] = ()
    canary: bool = False

    @property
    def ok(self) -> bool:
        """Whether the target ended up with every migration applied."""
        return self.state in (MIGRATED, UP_TO_DATE)

    def as_json(self) -> dict[str, Any]:
        """The result as plain values (``--json``)."""
        return {
            "target": self.target.name,
            "schema": self.target.schema,
            "state": self.state,
            "applied": list(self.applied),
            "seconds": round(self.seconds, 3),
            "message": self.message,
            "hint": self.hint,
            "canary": self.canary,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class FleetResult:
    """Every target's result, in the order the targets were given."""

    results: tuple[TargetResult, ...]
    seconds: float
    parallel: int
    stopped: str | None = None  # why targets were left unstarted, when they were
    interrupted: bool = False  # Ctrl-C (or SIGTERM) stopped the run

    @property
    def ok(self) -> bool:
        """Whether every target ended up up to date."""
        return all(r.ok for r in self.results)

    @property
    def counts(self) -> dict[str, int]:
        """How many targets ended in each state."""
        return dict(Counter(r.state for r in self.results))

    def having(self, *states: str) -> tuple[TargetResult, ...]:
        """The results in any of ``states``."""
        return tuple(r for r in self.results if r.state in states)

    def as_json(self) -> dict[str, Any]:
        """The run as plain values (``--json``)."""
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "parallel": self.parallel,
            "stopped": self.stopped,
            "interrupted": self.interrupted,
            "counts": self.counts,
            "targets": [r.as_json() for r in self.results],
        }


@dataclass(frozen=True, slots=True)
class FleetEvent:
    """Progress of a fleet run: a target started or finished, what a target's run said,
    or the run itself changing course (``stopping``, ``cancelling``)."""

    kind: str  # "start", "event", "done", "stopping", "cancelling"
    message: str
    target: Target | None = None
    event: Event | None = None  # kind "event": the target's own event
    result: TargetResult | None = None  # kind "done"
    total: int = 0  # targets in the run
