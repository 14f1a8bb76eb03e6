"""What code running inside a migration may ask of the run that called it.

A Python migration's ``up(conn)`` gets only a connection; the run's history schema and
its replica throttle reach the helpers it calls (:func:`pgshift.backfill`, a user's own
loop) through a context variable, set by the runner around the call. Outside a run
there is no context: the helpers keep their defaults.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunContext:
    """The run a migration's code is called from."""

    schema: str  # the history schema: a tenant's own, in a schema-per-tenant fleet
    throttle: Callable[[], None] | None = None  # waits while replicas lag (None: no bound)


_CURRENT: ContextVar[RunContext | None] = ContextVar("pgshift_run", default=None)


def current() -> RunContext | None:
    """The run whose migration is executing here, or None outside one."""
    return _CURRENT.get()


@contextlib.contextmanager
def running(schema: str, throttle: Callable[[], None] | None) -> Iterator[RunContext]:
    """Make ``schema`` and ``throttle`` the current run's while inside."""
    context = RunContext(schema, throttle)
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)


def wait_for_replicas() -> None:
    """Inside a migration run with ``max_replica_lag`` set: wait until every replica's
    replay lag is within the bound. Elsewhere it returns at once.

    Call it between the batches of a loop of your own in a Python migration, as
    :func:`pgshift.backfill` does between its batches."""
    context = _CURRENT.get()
    if context is not None and context.throttle is not None:
        context.throttle()
