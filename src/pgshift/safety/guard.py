"""The runner's side of backups: which migration needs one, and taking it in time.

Before anything runs, every pending migration is read for data-destroying
statements; if one needs ``pg_dump`` and no usable one exists, nothing runs. Then,
right before each such migration (not earlier: a previous migration of the same
run may have filled the table), what it will destroy is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg

from pgshift.config import Settings
from pgshift.db.connection import describe
from pgshift.db.pgtools import Tool, ToolMissing, find_tool
from pgshift.db.scratch import PREFIX as SCRATCH_PREFIX
from pgshift.migrations.discovery import Migration
from pgshift.migrations.statements import Statement
from pgshift.safety import backups_dir, losses
from pgshift.safety.backup import take
from pgshift.safety.gate import Creations
from pgshift.safety.manifest import Backup, Item


class BackupGuard:
    """Takes the backups a run's migrations need; ``enabled=False`` is ``--no-backup``."""

    def __init__(
        self,
        settings: Settings,
        url: str,
        conn: psycopg.Connection[Any],
        *,
        enabled: bool = True,
        note: Callable[[str], None] = lambda _: None,
        pgshift_version: str = "",
    ) -> None:
        self.settings = settings
        self.url = url
        self.conn = conn
        self.enabled = enabled
        self.note = note
        self.pgshift_version = pgshift_version
        self.tool: Tool | None = None
        self.taken: list[Backup] = []
        self.run = Creations()
        # the throw-away databases of verify and drift hold nothing worth keeping
        self._scratch = conn.info.dbname.startswith(SCRATCH_PREFIX)

    def skips(self, migration: Migration) -> bool:
        """True when the user opted out for this file: its directive and the flag, both."""
        return not self.enabled and not migration.directives.backup

    def check(self, migrations: Sequence[tuple[Migration, Sequence[Statement]]]) -> None:
        """Before anything runs: say what opting out does, and find pg_dump if needed."""
        if self._scratch:
            return
        needs_tool = ""
        for migration, statements in migrations:
            found = losses.losses(statements)
            if not found:
                continue
            if not self.enabled and migration.directives.backup:
                self.note(
                    f"--no-backup: {migration.name} has no '-- pgshift:no-backup' line, "
                    "so its data is backed up anyway"
                )
            elif self.enabled and not migration.directives.backup:
                self.note(
                    f"{migration.name} says pgshift:no-backup, but without --no-backup "
                    "its data is backed up anyway"
                )
            if not self.skips(migration) and any(loss.needs_pg_dump for loss in found):
                needs_tool = needs_tool or f"{migration.path}:{found[0].line}"
        if needs_tool:
            major = self.conn.info.server_version // 10000
            try:
                self.tool = find_tool(
                    "pg_dump",
                    major,
                    self.settings.pg_dump,
                    why=f" to back up the data {needs_tool} destroys",
                )
            except ToolMissing as exc:
                exc.message += " Nothing was run."
                exc.hint = (exc.hint or "") + (
                    " To run without a backup, put '-- pgshift:no-backup' at the top of the "
                    "file and pass --no-backup."
                )
                raise

    def before(self, migration: Migration, statements: Sequence[Statement]) -> None:
        """Save what ``migration`` is about to destroy (nothing if it destroys nothing)."""
        found: list[losses.Loss] = []
        for statement in statements:
            # what an earlier statement of this run created holds nothing from before it
            found.extend(x for x in losses.losses((statement,)) if not self.run.made_by(x))
            self.run.add(statement, migration.name)
        if not found or self.skips(migration) or self._scratch:
            return
        items: list[Item] = []
        seen: set[tuple[str, str | None, str | None]] = set()
        with psycopg.connect(self.url, autocommit=True) as conn:
            for loss in found:
                why = f"{loss.what} at {migration.path}:{loss.line}"
                item = losses.resolve(conn, loss, why)
                if item is None or (item.schema, item.table, item.column) in seen:
                    continue
                seen.add((item.schema, item.table, item.column))
                if item.kind != "schema" and not losses.has_data(conn, item):
                    continue
                items.append(item)
        if not items:
            return
        if self.tool is None and any(i.kind != "column" for i in items):
            # a column loss without a primary key turned into a whole-table backup
            self.tool = find_tool(
                "pg_dump", self.conn.info.server_version // 10000, self.settings.pg_dump
            )
        info = self.conn.info
        # the version as the file writes it (0002, not 2)
        digits = re.match(r"[0-9][0-9._]*", migration.path.name)
        label = digits.group(0).rstrip("._") if digits and migration.version else migration.slug
        folder = backups_dir.new_folder(self.settings.backups_dir, label)
        taken = take(
            self.url,
            items,
            folder,
            tool=self.tool,
            database={
                "name": info.dbname,
                "server": describe(self.url),
                "server_version": info.server_version,
            },
            migration={
                "version": migration.version,
                "slug": migration.slug,
                "file": str(migration.path),
                "checksum": migration.checksum,
            },
            pgshift_version=self.pgshift_version,
        )
        self.taken.append(taken)
        what = ", ".join(
            f"{i.label} ({i.rows:,} row{'' if i.rows == 1 else 's'})" for i in taken.items
        )
        self.note(
            f"backup of {what} before {migration.name}: {_shown(folder)} "
            f"({size_text(taken.size)}); to put it back: pgshift restore {taken.name}"
        )
        removed = backups_dir.prune(self.settings.backups_dir, self.settings.backup_keep)
        if removed:
            self.note(
                f"removed {len(removed)} old backup{'s' if len(removed) > 1 else ''} "
                f"(backup_keep = {self.settings.backup_keep})"
            )


def _shown(path: Path) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def size_text(size: int) -> str:
    """``512 bytes``, ``1.5 MB``."""
    if size < 1024:
        return f"{size:,} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:.1f} {unit}"
