"""The backups folder (``.pgshift/backups/``): a new backup's folder, and listing,
finding and pruning the backups it holds."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

from pgshift.safety.manifest import MANIFEST, Backup, BackupError, read_backup


def new_folder(root: Path, label: str) -> Path:
    """``root/<UTC timestamp>_<label>``, created 0700 (a suffix keeps names unique)."""
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        root.chmod(0o700)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        folder = root / (f"{stamp}_{label}" + (f"-{n}" if n > 1 else ""))
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return folder
    raise BackupError(f"cannot create a backup folder in {root}.")


def list_backups(root: Path) -> tuple[Backup, ...]:
    """Every backup under ``root``, oldest first."""
    if not root.is_dir():
        return ()
    found = []
    for folder in root.iterdir():
        if (folder / MANIFEST).is_file():
            with contextlib.suppress(BackupError):
                found.append(read_backup(folder))
    # two backups of one second (a down, then an up) are told apart by the manifest
    return tuple(sorted(found, key=lambda b: (b.created_at, b.name)))


def find_backup(root: Path, name: str) -> Backup:
    """A backup by folder name (or a unique prefix of one), path, or ``latest``."""
    given = Path(name)
    if given.is_dir():
        return read_backup(given)
    backups = list_backups(root)
    if name == "latest" and backups:
        return backups[-1]
    matches = [b for b in backups if b.name == name] or [
        b for b in backups if b.name.startswith(name)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise BackupError(
            f"no backup called {name!r} in {root}.",
            "'pgshift backups' lists the backups there are.",
        )
    raise BackupError(
        f"{name!r} matches {len(matches)} backups: {', '.join(b.name for b in matches)}.",
        "Give more of the name.",
    )


def prune(root: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest ``keep`` backups (``keep == 0``: none); the deleted."""
    if keep <= 0:
        return ()
    backups = list_backups(root)
    old = backups[: max(0, len(backups) - keep)]
    for backup in old:
        shutil.rmtree(backup.path, ignore_errors=True)
    return tuple(b.path for b in old)
