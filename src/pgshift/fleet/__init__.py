"""Many databases at once: a fleet of tenants, shards or regions, migrated in parallel.

``pgshift.fleet.migrate(targets, ...)`` runs every target's pending migrations with all
the guarantees of :func:`pgshift.migrate`, a bounded pool of them at a time, and
returns each target's result; :func:`status` says where each one stands. Targets are
URLs (or :class:`Target` values, for a schema per tenant); with none given, the
``[fleet]`` table of ``pgshift.toml`` names them.
"""

from pgshift.fleet.results import FleetEvent, FleetResult, TargetResult
from pgshift.fleet.run import default_parallel, migrate
from pgshift.fleet.status import FleetStatus, TargetStatus, status
from pgshift.fleet.targets import Target, resolve_targets

__all__ = [
    "FleetEvent",
    "FleetResult",
    "FleetStatus",
    "Target",
    "TargetResult",
    "TargetStatus",
    "default_parallel",
    "migrate",
    "resolve_targets",
    "status",
]
