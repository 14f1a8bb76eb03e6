"""Backups taken before a migration destroys data.

A migration that drops a table, schema or column, truncates, deletes or updates
every row, or narrows a column's type, first has the data it is about to lose
saved under ``.pgshift/backups/<timestamp>_<version>/``: ``pg_dump`` archives of
whole tables and schemas, and for a column the table's primary key and that
column (``COPY`` text, gzipped). Everything is read in one exported snapshot, so
the row counts of the manifest match the files. Files are readable by the owner
alone. ``pgshift restore`` reads them back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgshift.db.pgtools import Tool
from pgshift.errors import PgshiftError
from pgshift.lint.rules.narrowing_type_change import narrowing
from pgshift.migrations.statements import Statement
from pgshift.migrations.tree import alter_commands, relation, strings

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(PgshiftError):
    """A backup could not be taken, listed or read."""


@dataclass(frozen=True, slots=True)
class Loss:
    """What one statement destroys, as written in the file (names not yet resolved)."""

    kind: str  # "table", "schema" or "column"
    schema: str | None
    name: str  # table or schema name
    column: str | None
    line: int
    what: str  # "DROP TABLE", "DROP COLUMN", ...

    @property
    def needs_pg_dump(self) -> bool:
        """Whole tables and schemas go through pg_dump; a column does not."""
        return self.kind != "column"


# the nodes _losses reads a tree of
_LOSSY = frozenset({"DropStmt", "TruncateStmt", "DeleteStmt", "UpdateStmt", "AlterTableStmt"})


def losses(statements: Sequence[Statement]) -> tuple[Loss, ...]:
    """The data-destroying statements of a migration, from their parse trees."""
    found: list[Loss] = []
    for statement in statements:
        if statement.node in _LOSSY:  # the tree of a big file's statement is parsed anew
            found.extend(_losses(statement))
    return tuple(found)


def _split(name: str) -> tuple[str | None, str]:
    schema, _, bare = name.rpartition(".")
    return schema or None, bare


def _losses(statement: Statement) -> Iterator[Loss]:
    node, body, line = statement.node, statement.tree, statement.line
    if node == "DropStmt" and body.get("removeType") in ("OBJECT_TABLE", "OBJECT_SCHEMA"):
        kind = "table" if body["removeType"] == "OBJECT_TABLE" else "schema"
        for item in body.get("objects") or ():
            names = strings(item["List"]["items"]) if "List" in item else strings([item])
            if names:
                schema = names[-2] if len(names) > 1 and kind == "table" else None
                yield Loss(kind, schema, names[-1], None, line, f"DROP {kind.upper()}")
    elif node == "TruncateStmt":
        for rangevar in body.get("relations") or ():
            schema, name = _split(relation(rangevar.get("RangeVar")))
            yield Loss("table", schema, name, None, line, "TRUNCATE")
    elif node == "DeleteStmt" and body.get("whereClause") is None:
        schema, name = _split(relation(body.get("relation")))
        yield Loss("table", schema, name, None, line, "DELETE without WHERE")
    elif node == "UpdateStmt" and body.get("whereClause") is None:
        schema, name = _split(relation(body.get("relation")))
        for target in body.get("targetList") or ():
            column = target.get("ResTarget", {}).get("name")
            if column:
                yield Loss("column", schema, name, column, line, "UPDATE without WHERE")
    elif node == "AlterTableStmt" and body.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE":
        schema, name = _split(relation(body.get("relation")))
        for cmd in alter_commands(body):
            subtype, column = cmd.get("subtype"), cmd.get("name")
            if not column:
                continue
            if subtype == "AT_DropColumn":
                yield Loss("column", schema, name, column, line, "DROP COLUMN")
            elif subtype == "AT_AlterColumnType" and narrowing(
                (cmd.get("def") or {}).get("ColumnDef", {})
            ):
                yield Loss("column", schema, name, column, line, "narrowing type change")


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


# --- resolving what is about to be lost against the live database --------------------

_RESOLVE_TABLE = """
SELECT n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass(%s)
"""

_KEY = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = to_regclass(%s) AND i.indisprimary
ORDER BY k.position
"""

_COLUMN = """
SELECT format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a
WHERE a.attrelid = to_regclass(%s) AND a.attname = %s AND NOT a.attisdropped AND a.attnum > 0
"""

_REFERENCED_BY = """
SELECT format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s;',
              c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.contype = 'f' AND c.confrelid = to_regclass(%s) AND c.conrelid <> c.confrelid
ORDER BY 1
"""


def _regclass(schema: str | None, name: str) -> str:
    return sql.Identifier(*([schema] if schema else []), name).as_string()


def resolve(conn: psycopg.Connection[Any], loss: Loss, why: str) -> Item | None:
    """The live object a loss names, or None when there is nothing there to lose
    (the object does not exist yet, or holds no data)."""
    if loss.kind == "schema":
        found = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = %s", (loss.name,)
        ).fetchone()
        if found is None:
            return None
        has_data = conn.execute(
            "SELECT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S', 'm'))",
            (loss.name,),
        ).fetchone()
        return Item("schema", loss.name, None, why=why) if has_data and has_data[0] else None
    row = conn.execute(_RESOLVE_TABLE, (_regclass(loss.schema, loss.name),)).fetchone()
    if row is None or row[2] not in ("r", "p"):
        return None
    schema, table = str(row[0]), str(row[1])
    qualified = _regclass(schema, table)
    if loss.kind == "column":
        typed = conn.execute(_COLUMN, (qualified, loss.column)).fetchone()
        if typed is None:
            return None
        key = conn.execute(_KEY, (qualified,)).fetchall()
        if not key:  # no key to put values back by: save the whole table instead
            return Item("table", schema, table, why=why)
        return Item(
            "column",
            schema,
            table,
            column=loss.column,
            key=tuple(str(k[0]) for k in key),
            key_types=tuple(str(k[1]) for k in key),
            column_type=str(typed[0]),
            why=why,
        )
    referenced = conn.execute(_REFERENCED_BY, (qualified,)).fetchall()
    return Item("table", schema, table, why=why, referenced_by=tuple(str(r[0]) for r in referenced))


def has_data(conn: psycopg.Connection[Any], item: Item) -> bool:
    """True when the table (or, for a column, one of its values) holds anything."""
    table = sql.Identifier(item.schema, item.table or "")
    if item.kind == "column":
        query = sql.SQL("SELECT EXISTS (SELECT FROM {} WHERE {} IS NOT NULL)").format(
            table, sql.Identifier(item.column or "")
        )
    else:
        query = sql.SQL("SELECT EXISTS (SELECT FROM {})").format(table)
    row = conn.execute(query).fetchone()
    return bool(row and row[0])


# --- taking a backup ---------------------------------------------------------------------


def _private_file(path: Path) -> int:
    # created 0600 from the start: no moment where another user could open it
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tool_environment(url: str) -> tuple[str, dict[str, str]]:
    """A conninfo without the password, and an environment carrying it, so that no
    password shows in a process list."""
    params = {k: v for k, v in conninfo_to_dict(url).items() if v is not None}
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo("", **params), env


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
            os.fdopen(_private_file(path), "wb") as raw,
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
        with os.fdopen(_private_file(path), "wb") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env, check=False)
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise BackupError(
                f"pg_dump of {item.label} failed: {message[-1] if message else done.returncode}.",
                "Nothing of the migration ran. Fix the cause and run migrate again.",
            )
    return _with_file(item, path, rows)


def _with_file(item: Item, path: Path, rows: int) -> Item:
    from dataclasses import replace

    return replace(item, rows=rows, file=path.name, sha256=_digest(path), bytes=path.stat().st_size)


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


# --- manifests and the backups folder ----------------------------------------------------


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
    with os.fdopen(_private_file(path), "w", encoding="utf-8") as out:
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


def verify_files(backup: Backup) -> None:
    """Raise when a data file is missing or does not match its checksum."""
    for item in backup.items:
        path = backup.path / item.file
        if not path.is_file():
            raise BackupError(
                f"{path}: missing; the backup is incomplete.",
                "Nothing was restored.",
            )
        if _digest(path) != item.sha256:
            raise BackupError(
                f"{path}: its checksum does not match the manifest; the file was changed "
                "or damaged.",
                "Nothing was restored.",
            )
