"""Putting a backup's data back: a dropped table or schema, or a column's values.

:func:`plan` looks at the live database and says, item by item, what a restore
would do or why it will not (a table that exists again and holds rows is not
mixed with the saved ones); :func:`apply` does it, each item in a transaction of
its own. Checksums are verified before anything is touched.
"""

from __future__ import annotations

import gzip
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgshift.db.pgtools import Tool, find_tool
from pgshift.safety.backup import tool_environment
from pgshift.safety.manifest import Backup, BackupError, Item, verify_files


@dataclass(frozen=True, slots=True)
class Action:
    """What restoring one item will do; ``refused`` says why it will not."""

    item: Item
    does: str
    refused: str | None = None
    mode: str = ""  # "full", "data", "add-column", "column"


@dataclass(frozen=True, slots=True)
class Restored:
    """One item put back: how many rows, and anything to know."""

    item: Item
    rows: int
    notes: tuple[str, ...] = ()


def _exists(conn: psycopg.Connection[Any], schema: str, table: str) -> bool:
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (sql.Identifier(schema, table).as_string(),)
    ).fetchone()
    return bool(row and row[0])


def _count(conn: psycopg.Connection[Any], schema: str, table: str) -> int:
    row = conn.execute(
        sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
    ).fetchone()
    return int(row[0]) if row else 0


def _has_column(conn: psycopg.Connection[Any], item: Item) -> str | None:
    row = conn.execute(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attname = %s AND attnum > 0 AND NOT attisdropped",
        (sql.Identifier(item.schema, item.table or "").as_string(), item.column),
    ).fetchone()
    return str(row[0]) if row else None


# what format_type() writes: names, quotes, spaces, (precision), [] - nothing more
_TYPE = re.compile(r'^[A-Za-z0-9_ ."(),\[\]]+$')


def plan(conn: psycopg.Connection[Any], backup: Backup) -> tuple[Action, ...]:
    """What restoring ``backup`` into the database of ``conn`` would do, item by item."""
    verify_files(backup)
    actions: list[Action] = []
    for item in backup.items:
        if item.kind == "column" and not all(
            _TYPE.match(t or "") for t in (item.column_type, *item.key_types)
        ):
            raise BackupError(
                f"{backup.path}: the manifest's column types are not valid type names.",
                "The manifest was edited or damaged; nothing was restored.",
            )
        rows = f"{item.rows:,} row{'' if item.rows == 1 else 's'}"
        if item.kind == "schema":
            found = conn.execute(
                "SELECT 1 FROM pg_namespace WHERE nspname = %s", (item.schema,)
            ).fetchone()
            if found:
                actions.append(
                    Action(
                        item,
                        "",
                        f"schema {item.schema} exists again; drop or rename it first "
                        "to restore the saved one",
                    )
                )
            else:
                actions.append(
                    Action(item, f"recreate schema {item.schema} ({rows})", None, "full")
                )
            continue
        table = item.table or ""
        if not _exists(conn, item.schema, table):
            if item.kind == "column":
                actions.append(
                    Action(
                        item,
                        "",
                        f"table {item.schema}.{table} no longer exists; restore the table first",
                    )
                )
            else:
                actions.append(
                    Action(
                        item,
                        f"recreate table {item.schema}.{table} with its indexes, constraints "
                        f"and grants ({rows})",
                        None,
                        "full",
                    )
                )
            continue
        if item.kind == "table":
            present = _count(conn, item.schema, table)
            if present:
                actions.append(
                    Action(
                        item,
                        "",
                        f"table {item.schema}.{table} exists and holds {present:,} rows; "
                        "restoring would mix them with the saved ones. Rename or empty it first",
                    )
                )
            else:
                actions.append(
                    Action(
                        item,
                        f"load {rows} into the empty table {item.schema}.{table}",
                        None,
                        "data",
                    )
                )
            continue
        current = _has_column(conn, item)
        key = ", ".join(item.key)
        if current is None:
            actions.append(
                Action(
                    item,
                    f"add column {item.schema}.{table}.{item.column} ({item.column_type}) "
                    f"and set it on {rows}, matched by {key}",
                    None,
                    "add-column",
                )
            )
        else:
            actions.append(
                Action(
                    item,
                    f"set {item.schema}.{table}.{item.column} on {rows}, matched by {key} "
                    "(the values there now are overwritten)",
                    None,
                    "column",
                )
            )
    return tuple(actions)


def apply(
    url: str, backup: Backup, actions: Sequence[Action], server_major: int, pg_dump: str | None
) -> tuple[Restored, ...]:
    """Restore every action that is not refused; each item all or nothing."""
    done: list[Restored] = []
    for action in actions:
        if action.refused:
            continue
        path = backup.path / action.item.file
        if action.mode in ("full", "data"):
            done.append(_pg_restore(url, backup, action, path, server_major, pg_dump))
        else:
            done.append(_column(url, action, path))
    return tuple(done)


def _pg_restore(
    url: str, backup: Backup, action: Action, path: Path, server_major: int, pg_dump: str | None
) -> Restored:
    written_by = int(str(backup.pg_dump or "0").split(".")[0] or 0)
    tool = find_tool(
        "pg_restore",
        max(server_major, written_by),
        pg_dump,
        why=f" to read {path.name} (written by pg_dump {backup.pg_dump})",
    )
    conninfo, env = tool_environment(url)
    data = ["--data-only"] if action.mode == "data" else []
    if tool.major >= 17 and server_major < 17:
        returncode, stderr = _through_psql(tool, [*data, str(path)], conninfo, env)
    else:
        command = [str(tool.path), "--single-transaction", "--exit-on-error", *data,
                   "--dbname", conninfo, str(path)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        returncode, stderr = done.returncode, done.stderr
    if returncode != 0:
        lines = stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(
            f"restoring {action.item.label} failed: {lines[-1] if lines else done.returncode}; "
            "it was rolled back.",
            f"The backup is untouched in {backup.path}.",
        )
    notes: list[str] = []
    if action.mode == "full" and action.item.referenced_by:
        notes.extend(_foreign_keys(url, action.item.referenced_by))
    return Restored(action.item, action.item.rows, tuple(notes))


# pg_restore 17 and later begin with this even for an older server, which has no
# such setting and stops there: the script is sent through psql without it
_NEWER_SETTING = b"SET transaction_timeout = 0;\n"


def _through_psql(
    tool: Tool, args: list[str], conninfo: str, env: dict[str, str]
) -> tuple[int, bytes]:
    """pg_restore's script, streamed into the same installation's psql in one
    transaction, without the settings the server does not know."""
    import tempfile

    # what the two say goes to files: a pipe left unread could fill and stop them both
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        restore = subprocess.Popen(
            [str(tool.path), "--file", "-", *args], stdout=subprocess.PIPE,
            stderr=restore_err, env=env,
        )  # fmt: skip
        psql = subprocess.Popen(
            [str(tool.sibling("psql")), "--no-psqlrc", "--quiet", "--single-transaction",
             "--set", "ON_ERROR_STOP=1", "--dbname", conninfo, "--file", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err, env=env,
        )  # fmt: skip
        assert restore.stdout is not None
        assert psql.stdin is not None
        try:
            for line in restore.stdout:
                if line != _NEWER_SETTING:
                    psql.stdin.write(line)
            psql.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: said below
        restore.stdout.close()
        restore.wait()
        psql.wait()
        failed, said = (restore, restore_err) if restore.returncode else (psql, psql_err)
        said.seek(0)
        return failed.returncode, said.read()


def _foreign_keys(url: str, statements: Sequence[str]) -> list[str]:
    """Re-add the foreign keys of other tables that the drop took with it."""
    notes = []
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            try:
                conn.execute(statement.encode())
                notes.append(f"re-added: {statement}")
            except psycopg.Error as exc:
                notes.append(f"not re-added ({exc.diag.message_primary}): {statement}")
    return notes


def _column(url: str, action: Action, path: Path) -> Restored:
    item = action.item
    table = sql.Identifier(item.schema, item.table or "")
    column = sql.Identifier(item.column or "")
    staging = sql.Identifier("pgshift_restore")
    typed = [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
        for name, kind in zip(
            (*item.key, item.column or ""),
            (*item.key_types, item.column_type or "text"),
            strict=True,
        )
    ]
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{k} = r.{k}").format(k=sql.Identifier(k)) for k in item.key
    )
    with psycopg.connect(url) as conn:  # one transaction: all of it or nothing
        if action.mode == "add-column":
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                    table, column, sql.SQL(item.column_type or "text")
                )
            )
        conn.execute(
            sql.SQL("CREATE TEMPORARY TABLE {} ({}) ON COMMIT DROP").format(
                staging, sql.SQL(", ").join(typed)
            )
        )
        copying = sql.SQL("COPY {} FROM STDIN").format(staging)
        with conn.cursor().copy(copying) as copy, gzip.open(path, "rb") as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                copy.write(block)
        cursor = conn.execute(
            sql.SQL("UPDATE {} AS t SET {} = r.{} FROM {} AS r WHERE {}").format(
                table, column, column, staging, match
            )
        )
        rows = cursor.rowcount
    notes = []
    if rows < item.rows:
        notes.append(
            f"{item.rows - rows:,} saved row(s) have no row with the same key any more "
            "(deleted since): their values were not restored"
        )
    return Restored(item, rows, tuple(notes))
