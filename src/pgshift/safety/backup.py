"""Backups taken before a migration destroys data.

A migration that drops a table, schema or column, truncates, deletes or updates
every row, or narrows a column's type (:mod:`~pgshift.safety.losses`), first has
the data it is about to lose saved under ``.pgshift/backups/<timestamp>_<version>/``
(:mod:`~pgshift.safety.backups_dir`): ``pg_dump`` archives of whole tables and
schemas, and for a column the table's primary key and that column (``COPY`` text,
gzipped). Everything is read in one exported snapshot, so the row counts of the
manifest (:mod:`~pgshift.safety.manifest`) match the files. Files are readable by
the owner alone. ``pgshift restore`` reads them back.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgshift.db.pgtools import Tool
from pgshift.safety.manifest import (
    Backup,
    BackupError,
    Item,
    digest,
    private_file,
    write_manifest,
)


def tool_environment(url: str) -> tuple[str, dict[str, str]]:
    """A conninfo without the password, and an environment carrying it, so that no
    password shows in a process list."""
    params = {k: v for k, v in conninfo_to_dict(url).items() if v is not None}
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo("", **params), env


_CHUNK = 1 << 20


def take(
    url: str,
    items: Sequence[Item],
    folder: Path,
    *,
    tool: Tool | None,
    database: dict[str, Any],
    migration: dict[str, Any],
    pgshift_version: str,
) -> Backup:
    """Save ``items`` into ``folder`` (new, empty) in one snapshot; write the manifest."""
    saved: list[Item] = []
    conninfo, env = tool_environment(url)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            row = conn.execute("SELECT pg_export_snapshot()").fetchone()
            assert row is not None
            snapshot = str(row[0])
            for number, item in enumerate(items, start=1):
                saved.append(_save(conn, item, folder, number, tool, conninfo, env, snapshot))
            conn.execute("COMMIT")
    except psycopg.Error as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise BackupError(
            f"the backup before the migration failed: {exc}".rstrip(),
            "Nothing of the migration ran. Fix the cause and run migrate again.",
        ) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    backup = Backup(
        folder,
        dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        database,
        migration,
        tuple(saved),
        tool.version if tool else None,
        pgshift_version,
    )
    write_manifest(backup)
    return backup


def _save(
    conn: psycopg.Connection[Any],
    item: Item,
    folder: Path,
    number: int,
    tool: Tool | None,
    conninfo: str,
    env: dict[str, str],
    snapshot: str,
) -> Item:
    stem = f"{number:02d}_{item.schema}" + (f".{item.table}" if item.table else "")
    if item.kind == "column":
        path = folder / f"{stem}.{item.column}.copy.gz"
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in (*item.key, item.column or ""))
        query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT").format(
            columns,
            sql.Identifier(item.schema, item.table or ""),
            sql.SQL(", ").join(sql.Identifier(c) for c in item.key),
        )
        rows = 0
        # gzip at its fastest level: a fifth of the size for little time
        with (
            os.fdopen(private_file(path), "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as out,
            conn.cursor().copy(query) as copy,
        ):
            # COPY hands over a row at a time: compress and count a megabyte at a time
            pending = bytearray()
            for block in copy:
                pending += block
                if len(pending) >= _CHUNK:
                    rows += pending.count(b"\n")
                    out.write(pending)
                    pending.clear()
            rows += pending.count(b"\n")
            out.write(pending)
    else:
        assert tool is not None, "a table or schema backup needs pg_dump"
        path = folder / f"{stem}.dump"
        if item.kind == "table":
            pattern = ["--table", _pattern(item.schema, item.table or "")]
            count = sql.SQL("SELECT count(*) FROM {}").format(
                sql.Identifier(item.schema, item.table or "")
            )
            counted = conn.execute(count).fetchone()
            rows = int(counted[0]) if counted else 0
        else:
            pattern = ["--schema", _pattern(item.schema)]
            rows = _schema_rows(conn, item.schema)
        command = [
            str(tool.path),
            "--format=custom",
            f"--snapshot={snapshot}",
            *pattern,
            "--dbname",
            conninfo,
        ]
        with os.fdopen(private_file(path), "wb") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env, check=False)
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise BackupError(
                f"pg_dump of {item.label} failed: {message[-1] if message else done.returncode}.",
                "Nothing of the migration ran. Fix the cause and run migrate again.",
            )
    return _with_file(item, path, rows)


def _with_file(item: Item, path: Path, rows: int) -> Item:
    return replace(item, rows=rows, file=path.name, sha256=digest(path), bytes=path.stat().st_size)


def _pattern(*names: str) -> str:
    # pg_dump patterns: double quotes keep case and make * ? . literal
    return ".".join('"' + n.replace('"', '""') + '"' for n in names)


def _schema_rows(conn: psycopg.Connection[Any], schema: str) -> int:
    tables = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r'",
        (schema,),
    ).fetchall()
    total = 0
    for (name,) in tables:
        row = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))
        ).fetchone()
        total += int(row[0]) if row else 0
    return total
