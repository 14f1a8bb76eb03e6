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
# embedded_version = 16     # the embedded server's PostgreSQL (12-18; default 18)
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
    leading = [re.match(r"[A-Za-z]?(\d+)", p.name) for p in folder.iterdir()]
    digits = [m.group(1) for m in leading if m is not None]
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
    """Write the next versioned migration in the directory's layout; return its path
    (the folder, for diesel and Prisma).

    The version follows the directory's style: the next number with the same width
    (``0001``), or a UTC timestamp when the files use timestamps. In another tool's
    layout the files are named and marked as that tool names and marks them, so the
    directory stays readable by it.
    """
    from pgshift.migrations.discovery import layout_of

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
    layout = layout_of(folder, settings.layout)
    if python and layout not in ("pgshift", "flyway", "golang-migrate"):
        raise PgshiftError(
            f"{folder} is read as a {layout} directory, where a Python migration is no "
            "migration of that tool's (and would stop the directory from reading as one).",
            "Write the migration in SQL, or move the project to pgshift's own layout first.",
        )
    files = (
        _native(folder, clean, slug, python, no_transaction)
        if python or layout == "pgshift"
        else _foreign(layout, folder, clean, slug, no_transaction)
    )
    for path in files:
        if path.exists():
            raise PgshiftError(f"{path} already exists.")
    for path, body in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(body)
    first = next(iter(files))
    return first.parent if first.parent != folder else first


def _native(
    folder: Path, clean: str, slug: str, python: bool, no_transaction: bool
) -> dict[Path, str]:
    version = next_version(folder)
    if python:
        return {
            folder / f"{version}_{clean}.py": f'"""{slug}."""\n\n'
            + ("transaction = False\n\n" if no_transaction else "")
            + "\ndef up(conn):\n    conn.execute(...)\n\n\ndef down(conn):\n    conn.execute(...)\n"
        }
    header = "-- pgshift:no-transaction\n" if no_transaction else ""
    return {folder / f"{version}_{clean}.sql": f"{header}-- {slug}\n\n\n-- pgshift:down\n\n"}


def _stamp(folder: Path) -> str:
    """A UTC timestamp above every version in ``folder`` (names only)."""
    stamp = int(datetime.now(UTC).strftime("%Y%m%d%H%M%S"))
    found = [re.match(r"\d+", p.name.replace("-", "")) for p in folder.iterdir()]
    top = max((int(m.group(0)[:14]) for m in found if m is not None), default=0)
    return str(max(stamp, top + 1))


def _foreign(
    layout: str, folder: Path, clean: str, slug: str, no_transaction: bool
) -> dict[Path, str]:
    """The files of a new migration, named and marked as ``layout``'s tool does."""
    comment = f"-- {slug}\n"
    if layout == "diesel":
        stamp = _stamp(folder)
        name = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}-{stamp[8:]}_{clean}"
        files = {folder / name / "up.sql": comment, folder / name / "down.sql": comment}
        if no_transaction:
            files[folder / name / "metadata.toml"] = "run_in_transaction = false\n"
        return files
    if layout == "prisma":
        header = "-- pgshift:no-transaction\n" if no_transaction else ""
        return {folder / f"{_stamp(folder)}_{clean}" / "migration.sql": header + comment}
    if layout == "dbmate":
        marker = " transaction:false" if no_transaction else ""
        body = f"-- migrate:up{marker}\n{comment}\n\n-- migrate:down\n\n"
        return {folder / f"{_stamp(folder)}_{clean}.sql": body}
    header = "-- pgshift:no-transaction\n" if no_transaction else ""
    if layout == "flyway":
        majors = [re.match(r"[VU](\d+)", p.name) for p in folder.iterdir()]
        top = max((int(m.group(1)) for m in majors if m is not None), default=0)
        version = str(top + 1)
        files = {folder / f"V{version}__{clean}.sql": header + comment}
        files[folder / f"U{version}__{clean}.sql"] = header + comment
        return files
    if layout == "postgres-migrations":
        numbers = [re.match(r"(\d+)([-_])", p.name) for p in folder.iterdir()]
        found = [m for m in numbers if m is not None]
        top = max((int(m.group(1)) for m in found), default=0)
        dash = any(m.group(2) == "-" for m in found)
        marker = "-- postgres-migrations disable-transaction\n" if no_transaction else ""
        return {folder / f"{top + 1}{'-' if dash else '_'}{clean}.sql": marker + comment}
    # golang-migrate and popx: an up and a down file
    version = next_version(folder) if layout == "golang-migrate" else _popx_version(folder)
    prefix = _golang_prefix(folder) if layout == "golang-migrate" else ("", "_")
    base = f"{prefix[0]}{version}{prefix[1]}{clean}"
    return {folder / f"{base}.up.sql": header + comment, folder / f"{base}.down.sql": comment}


def _golang_prefix(folder: Path) -> tuple[str, str]:
    """The letters before the version and the separator after it, as the files have them."""
    for path in sorted(folder.iterdir(), reverse=True):
        match = re.match(r"([A-Za-z]*)\d+([._-])", path.name)
        if match is not None:
            return match.group(1), match.group(2)
    return "", "_"


def _popx_version(folder: Path) -> str:
    """popx's versions: a timestamp padded with zeros to the width the files use."""
    found = [re.match(r"\d+", p.name) for p in folder.iterdir()]
    versions = [m.group(0) for m in found if m is not None]
    width = max((len(v) for v in versions), default=20)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S").ljust(width, "0")
    return str(max(int(stamp), max((int(v) for v in versions), default=0) + 1))
