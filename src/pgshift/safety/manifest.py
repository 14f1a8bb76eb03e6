"""What a backup holds, as its ``manifest.json`` says: the items saved, their files.

A backup folder holds one data file per item and a manifest naming each with its
row count, size and SHA-256; files are written readable by the owner alone.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pgshift.errors import PgshiftError

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(PgshiftError):
    """A backup could not be taken, listed or read."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing saved in a backup."""

    kind: str  # "table", "schema" or "column"
    schema: str
    table: str | None  # None for a schema
    column: str | None = None
    key: tuple[str, ...] = ()  # a column backup's primary key columns
    column_type: str | None = None  # as format_type() gives it
    key_types: tuple[str, ...] = ()
    rows: int = 0
    file: str = ""
    sha256: str = ""
    bytes: int = 0
    why: str = ""  # "DROP COLUMN at migrations/0006_x.sql:5"
    referenced_by: tuple[str, ...] = ()  # foreign keys of other tables, as ALTER TABLE ... ADD

    @property
    def label(self) -> str:
        """``table public.users``, ``column public.users.phone``, ``schema audit``."""
        if self.kind == "schema":
            return f"schema {self.schema}"
        name = f"{self.schema}.{self.table}"
        return f"column {name}.{self.column}" if self.kind == "column" else f"table {name}"


@dataclass(frozen=True, slots=True)
class Backup:
    """A backup folder and what its manifest says."""

    path: Path
    created_at: str
    database: dict[str, Any]
    migration: dict[str, Any]
    items: tuple[Item, ...]
    pg_dump: str | None = None  # "18.1": the version that wrote the archives
    pgshift_version: str = ""
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The folder's name, which ``pgshift restore`` accepts."""
        return self.path.name

    @property
    def size(self) -> int:
        """Bytes of all the data files."""
        return sum(i.bytes for i in self.items)

    @property
    def rows(self) -> int:
        """Rows saved, all items together."""
        return sum(i.rows for i in self.items)


def private_file(path: Path) -> int:
    """A new file at ``path``, open for writing, readable by the owner alone."""
    # created 0600 from the start: no moment where another user could open it
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def digest(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def write_manifest(backup: Backup) -> None:
    """``manifest.json`` in the backup's folder, 0600."""
    data = {
        "format": backup.format,
        "created_at": backup.created_at,
        "pgshift_version": backup.pgshift_version,
        "pg_dump": backup.pg_dump,
        "database": backup.database,
        "migration": backup.migration,
        "items": [asdict(i) for i in backup.items],
    }
    path = backup.path / MANIFEST
    with os.fdopen(private_file(path), "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
        out.write("\n")


def read_backup(folder: Path) -> Backup:
    """The backup in ``folder``, from its manifest."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = tuple(_item(i) for i in data["items"])
        return Backup(
            folder,
            str(data["created_at"]),
            dict(data["database"]),
            dict(data["migration"]),
            items,
            data.get("pg_dump"),
            str(data.get("pgshift_version", "")),
            int(data.get("format", FORMAT)),
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{folder} is not a pgshift backup (no {MANIFEST}).",
            "'pgshift backups' lists the backups there are.",
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(
            f"{path}: the manifest cannot be read ({exc}).",
            "The backup is damaged; its data files may still be restored by hand "
            "with pg_restore or COPY.",
        ) from exc


def _item(data: dict[str, Any]) -> Item:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return Item(**fields)


def verify_files(backup: Backup) -> None:
    """Raise when a data file is missing or does not match its checksum."""
    for item in backup.items:
        path = backup.path / item.file
        if not path.is_file():
            raise BackupError(
                f"{path}: missing; the backup is incomplete.",
                "Nothing was restored.",
            )
        if digest(path) != item.sha256:
            raise BackupError(
                f"{path}: its checksum does not match the manifest; the file was changed "
                "or damaged.",
                "Nothing was restored.",
            )
