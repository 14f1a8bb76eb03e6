"""The last fleet run's outcome per target, kept in ``.pgshift/fleet/last-run.json``.

The databases record what was applied, not what failed: a transactional migration
that fails leaves no trace in them. ``fleet status`` reads this file to tell a
target that is merely behind from one whose last run failed, and why.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from pgshift.config import Settings
from pgshift.fleet.results import SKIPPED, FleetResult


def record_path(settings: Settings) -> Path:
    """Where the last run's outcome is kept."""
    return settings.project_dir / ".pgshift" / "fleet" / "last-run.json"


def recalled(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each target's last recorded outcome, by target name (empty when none)."""
    try:
        data = json.loads(record_path(settings).read_text())
    except (OSError, ValueError):
        return {}
    targets = data.get("targets") if isinstance(data, dict) else None
    return targets if isinstance(targets, dict) else {}


def remember(settings: Settings, outcome: FleetResult) -> None:
    """Record each target's outcome (targets left unstarted keep their earlier one).

    Best effort: a project folder that cannot be written to loses only this memory."""
    path = record_path(settings)
    targets = recalled(settings)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for result in outcome.results:
        if result.state == SKIPPED and result.target.name in targets:
            continue
        targets[result.target.name] = {
            "state": result.state,
            "message": result.message,
            "applied": list(result.applied),
            "at": now,
        }
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps({"targets": targets}, indent=1, sort_keys=True))
        os.replace(partial, path)
