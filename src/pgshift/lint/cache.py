"""Findings kept between runs, so an unchanged file is not parsed again.

One JSON file (``.pgshift/lint-cache.json`` in the project); an entry is keyed by
the file's path and checksum, under a key for the rule set (a digest of the
linter's own source and pgshift's version) and the options that change findings.
Any change to either starts a fresh cache. A cache that cannot be read or written
is ignored: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from pgshift.lint.engine import LintOptions
from pgshift.lint.model import Finding

CACHE_FILE = Path(".pgshift") / "lint-cache.json"


def rules_digest() -> str:
    """A digest of the linter's source: any change to a rule changes it, and any change to
    what lint calls in ``migrations``: the splitter and migrate's own checks
    (``statements``), the tree helpers and the sections."""
    from pgshift.version import __version__

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    migrations = package.parent / "migrations"
    called = [migrations / f"{name}.py" for name in ("statements", "tree", "sections")]
    for source in [*sorted(package.rglob("*.py")), *called]:
        digest.update(source.relative_to(package.parent).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def options_key(options: LintOptions) -> str:
    """The part of the cache key that the options make."""
    levels = sorted((rule, level.value) for rule, level in options.levels.items())
    return json.dumps(
        [
            options.pg_version,
            options.lock_timeout,
            options.statement_timeout,
            sorted(options.disabled),
            sorted(options.enabled),
            levels,
            sorted(r.id for r in options.rules) if options.rules is not None else None,
        ]
    )


class Cache:
    """Findings by (path, checksum), valid for one rule set and one set of options."""

    def __init__(self, path: Path, options: LintOptions) -> None:
        self.path = path
        self.key = f"{rules_digest()}:{options_key(options)}"
        self.entries: dict[str, dict[str, object]] = {}
        self.changed = False
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            data = json.loads(path.read_text())
            if data.get("key") == self.key:
                self.entries = dict(data["files"])

    def get(self, path: str, checksum: str) -> list[Finding] | None:
        """The findings of an unchanged file, or None."""
        entry = self.entries.get(path)
        if not entry or entry.get("checksum") != checksum:
            return None
        items = entry.get("findings")
        assert isinstance(items, list)
        return [Finding.from_dict(item) for item in items]

    def put(self, path: str, checksum: str, findings: list[Finding]) -> None:
        """Remember a file's findings."""
        self.entries[path] = {"checksum": checksum, "findings": [f.to_dict() for f in findings]}
        self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed (atomically; failures are ignored)."""
        if not self.changed:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            partial.write_text(json.dumps({"key": self.key, "files": self.entries}))
            os.replace(partial, self.path)
