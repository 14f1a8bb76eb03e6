"""Scaffolding: a new project's folders and config, and the next migration file."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from pgshift.config import CONFIG_FILE, Settings, load_settings
from pgshift.errors import PgshiftError

_CONFIG_TEMPLATE = """\
# pgshift settings. Environment variables (PGSHIFT_*, DATABASE_URL) and
# command-line flags override these. See the README for every key.
migrations = "migrations"
# database_url = "postgresql://user@localhost:5432/app"   # unset: the embedded server
# lock_wait = "2min"        # how long to wait for another runner's lock
# lock_timeout = "5s"       # lock_timeout for each migration's statements
"""


def init(project_dir: str | Path = ".") -> list[Path]:
    """Create ``migrations/`` and ``pgshift.toml`` in ``project_dir``; returns what was created."""
    root = Path(project_dir)
    created: list[Path] = []
    migrations = root / "migrations"
    if not migrations.is_dir():
        migrations.mkdir(parents=True)
        created.append(migrations)
    config = root / CONFIG_FILE
    if not config.exists():
        config.write_text(_CONFIG_TEMPLATE)
        created.append(config)
    return created


def next_version(folder: Path) -> str:
    """The version of the next migration in ``folder``: the next number with the same
    width (``0001``), or a UTC timestamp when the files use timestamps."""
    # Names only: a file just written by 'new' and still empty must not stop the next one.
    leading = [re.match(r"\d+", p.name) for p in folder.iterdir()]
    digits = [m.group(0) for m in leading if m is not None]
    if digits and max(len(d) for d in digits) >= 14:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        return str(max(int(stamp), max(int(d) for d in digits) + 1))
    top = max((int(d) for d in digits), default=0)
    return str(top + 1).zfill(max((len(d) for d in digits), default=4))


def new(
    slug: str,
    *,
    directory: str | Path | None = None,
    settings: Settings | None = None,
    python: bool = False,
    no_transaction: bool = False,
) -> Path:
    """Write the next versioned migration file and return its path.

    The version follows the directory's style: the next number with the same
    width (``0001``), or a UTC timestamp when the files use timestamps.
    """
    if settings is None:
        flags = {"migrations": str(directory)} if directory is not None else {}
        settings = load_settings(flags)
    folder = Path(directory) if directory is not None else settings.migrations_dir
    if not folder.is_dir():
        raise PgshiftError(
            f"migrations directory {folder} does not exist.", "Run 'pgshift init' first."
        )
    clean = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")
    if not clean:
        raise PgshiftError(
            f"{slug!r} makes no file name.", "Use words, e.g.: pgshift new add_posts"
        )
    version = next_version(folder)
    if python:
        path = folder / f"{version}_{clean}.py"
        body = (
            f'"""{slug}."""\n\n'
            + ("transaction = False\n\n" if no_transaction else "")
            + "\ndef up(conn):\n    conn.execute(...)\n\n\ndef down(conn):\n    conn.execute(...)\n"
        )
    else:
        path = folder / f"{version}_{clean}.sql"
        header = "-- pgshift:no-transaction\n" if no_transaction else ""
        body = f"{header}-- {slug}\n\n\n-- pgshift:down\n\n"
    if path.exists():
        raise PgshiftError(f"{path} already exists.")
    path.write_text(body)
    return path
