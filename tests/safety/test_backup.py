"""Backups before destructive migrations, and restoring them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pgshift.api import backups, down, migrate
from pgshift.config import load_settings
from pgshift.errors import PgshiftError
from pgshift.safety.backups_dir import find_backup
from tests.conftest import cli_env, query, run_cli, tables, write_migrations

# values that a careless text round trip would damage
USERS = """
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, phone text);
INSERT INTO users
SELECT g, 'user ' || g,
       CASE WHEN g % 7 = 0 THEN NULL
            WHEN g % 5 = 0 THEN E'tab\\there\\nnew line \\\\ back'
            ELSE '+1-555-' || g END
FROM generate_series(1, 500) g;
"""


def project(tmp_path: Path, files: dict[str, str], **config: str) -> Path:
    write_migrations(tmp_path / "migrations", files)
    lines = [f'{k} = "{v}"' for k, v in config.items()]
    (tmp_path / "pgshift.toml").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_drop_column_backup_restores_every_value(db_url: str, tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        {
            "0001_users.sql": USERS,
            "0002_drop_phone.sql": "-- pgshift:allow drop-column\n"
            "ALTER TABLE users DROP COLUMN phone;\n",
        },
    )
    migrate(settings=load_settings({"database_url": db_url}, cwd=folder), to="1")
    before = query(db_url, "SELECT id, phone FROM users ORDER BY id")
    result = migrate(settings=load_settings({"database_url": db_url}, cwd=folder))
    assert [m.migration.slug for m in result.applied] == ["drop_phone"]
    assert len(result.backups) == 1
    taken = result.backups[0]
    assert taken.path.parent == folder / ".pgshift" / "backups"
    assert taken.name.endswith("_0002")
    (item,) = taken.items
    assert (item.kind, item.table, item.column, item.key, item.rows) == (
        "column",
        "users",
        "phone",
        ("id",),
        500,
    )
    manifest = json.loads((taken.path / "manifest.json").read_text())
    assert manifest["database"]["name"] == query(db_url, "SELECT current_database()")[0][0]
    assert manifest["migration"]["file"].endswith("0002_drop_phone.sql")
    # owner-only: the folder and every file in it
    assert stat.S_IMODE(taken.path.stat().st_mode) == 0o700
    for path in taken.path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert "phone" not in {
        r[0]
        for r in query(
            db_url, "SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass"
        )
    }

    done = run_cli("restore", taken.name, "--yes", url=db_url, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "add column public.users.phone (text)" in done.stdout
    assert query(db_url, "SELECT id, phone FROM users ORDER BY id") == before


def test_drop_table_backup_restores_rows_indexes_and_foreign_keys(
    db_url: str, tmp_path: Path
) -> None:
    folder = project(
        tmp_path,
        {
            "0001_users.sql": USERS + "CREATE INDEX users_name_idx ON users (name);\n"
            "CREATE TABLE posts (id int PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
            "INSERT INTO posts VALUES (1, 5), (2, 7);\n",
            # CASCADE takes the foreign key of posts with it
            "0002_drop.sql": "-- pgshift:allow drop-table\nDROP TABLE users CASCADE;\n",
        },
    )
    settings = load_settings({"database_url": db_url}, cwd=folder)
    migrate(settings=settings, to="1")
    before = query(db_url, "SELECT * FROM users ORDER BY id")
    result = migrate(settings=settings)
    (item,) = result.backups[0].items
    assert (item.kind, item.table, item.rows) == ("table", "users", 500)
    assert item.referenced_by
    assert "posts_user_id_fkey" in item.referenced_by[0]
    assert "users" not in tables(db_url)

    done = run_cli("restore", "latest", "--yes", url=db_url, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "recreate table public.users" in done.stdout
    assert query(db_url, "SELECT * FROM users ORDER BY id") == before
    assert query(
        db_url, "SELECT indexname FROM pg_indexes WHERE tablename = 'users' ORDER BY 1"
    ) == [("users_name_idx",), ("users_pkey",)]
    assert query(db_url, "SELECT conname FROM pg_constraint WHERE contype = 'f'") == [
        ("posts_user_id_fkey",)
    ]


def test_truncate_update_and_narrowing_are_backed_up_and_restored(
    db_url: str, tmp_path: Path
) -> None:
    folder = project(
        tmp_path,
        {
            "0001_users.sql": USERS + "CREATE TABLE events (id int, note text);\n"
            "INSERT INTO events SELECT g, 'e' || g FROM generate_series(1, 30) g;\n",
            "0002_wipe.sql": "-- pgshift:allow truncate unbounded-dml narrowing-type-change\n"
            "TRUNCATE events;\n"
            "UPDATE users SET name = 'x';\n"
            "ALTER TABLE users ALTER COLUMN phone TYPE varchar(40);\n",
        },
    )
    settings = load_settings({"database_url": db_url}, cwd=folder)
    migrate(settings=settings, to="1")
    names = query(db_url, "SELECT id, name FROM users ORDER BY id")
    events = query(db_url, "SELECT * FROM events ORDER BY id")
    result = migrate(settings=settings)
    labels = sorted(i.label for i in result.backups[0].items)
    assert labels == [
        "column public.users.name",
        "column public.users.phone",
        "table public.events",
    ]
    done = run_cli("restore", "latest", "--yes", url=db_url, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "load 30 rows into the empty table public.events" in done.stdout
    assert query(db_url, "SELECT id, name FROM users ORDER BY id") == names
    assert query(db_url, "SELECT * FROM events ORDER BY id") == events


def test_without_pg_dump_a_destructive_migration_refuses_unless_told(
    db_url: str, tmp_path: Path
) -> None:
    folder = project(
        tmp_path,
        {
            "0001_users.sql": USERS,
            "0002_drop.sql": "-- pgshift:allow drop-table\nDROP TABLE users;\n",
        },
    )
    env = cli_env(db_url, PGSHIFT_PG_DUMP=str(tmp_path / "no" / "pg_dump"))
    assert run_cli("migrate", "--to", "1", cwd=folder, env=env).returncode == 0
    refused = run_cli("migrate", cwd=folder, env=env)
    assert refused.returncode == 2
    assert "is not a working pg_dump" in refused.stderr
    assert "Nothing was run" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "users" in tables(db_url)
    assert query(db_url, "SELECT count(*) FROM pgshift.history")[0][0] == 1

    # the flag alone is not enough: the file must say so too
    flag_only = run_cli("migrate", "--no-backup", cwd=folder, env=env)
    assert flag_only.returncode == 2
    assert "backed up anyway" in flag_only.stderr
    assert "users" in tables(db_url)

    (folder / "migrations" / "0002_drop.sql").write_text(
        "-- pgshift:no-backup\n-- pgshift:allow drop-table\nDROP TABLE users;\n"
    )
    directive_only = run_cli("migrate", cwd=folder, env=env)
    assert directive_only.returncode == 2
    assert "users" in tables(db_url)
    both = run_cli("migrate", "--no-backup", cwd=folder, env=env)
    assert both.returncode == 0, both.stderr
    assert "users" not in tables(db_url)
    assert not (folder / ".pgshift" / "backups").exists()


def test_nothing_to_lose_means_no_backup(db_url: str, tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        {
            "0001_t.sql": "CREATE TABLE empty_one (id int, c text);\n",
            "0002_drop.sql": "-- pgshift:allow drop-column drop-table\n"
            "ALTER TABLE empty_one DROP COLUMN c;\n"
            "DROP TABLE IF EXISTS never_was;\n"
            "DROP TABLE empty_one;\n",
        },
    )
    result = migrate(settings=load_settings({"database_url": db_url}, cwd=folder))
    assert len(result.applied) == 2
    assert result.backups == ()


def test_down_backs_up_what_it_drops_and_old_backups_are_pruned(
    db_url: str, tmp_path: Path
) -> None:
    folder = project(
        tmp_path,
        {
            "0001_users.sql": USERS + "-- pgshift:down\nDROP TABLE users;\n",
            "0002_phone.sql": "-- pgshift:allow drop-column\nALTER TABLE users DROP COLUMN phone;\n"
            "-- pgshift:down\nALTER TABLE users ADD COLUMN phone text;\n",
        },
        backup_keep="1",
    )
    settings = load_settings({"database_url": db_url}, cwd=folder)
    # in one run, the phones 0001 inserts are no data of before the run: nothing to save
    assert migrate(settings=settings, to="1").backups == ()
    first = migrate(settings=settings)
    assert len(first.backups) == 1
    reverted = down(settings=settings, to="0")
    assert [i.label for b in reverted.backups for i in b.items] == ["table public.users"]
    kept = backups(settings)
    assert [b.name for b in kept] == [reverted.backups[0].name]  # backup_keep = 1


def test_restore_refuses_to_mix_rows_or_to_cross_databases(
    db_url: str, new_db: object, tmp_path: Path
) -> None:
    folder = project(
        tmp_path,
        {
            "0001_events.sql": "CREATE TABLE events (id int PRIMARY KEY);\n"
            "INSERT INTO events SELECT generate_series(1, 10);\n",
            "0002_wipe.sql": "-- pgshift:allow truncate\nTRUNCATE events;\n",
        },
    )
    settings = load_settings({"database_url": db_url}, cwd=folder)
    migrate(settings=settings, to="1")
    migrate(settings=settings)
    query(db_url, "INSERT INTO events VALUES (3)")
    mixed = run_cli("restore", "latest", "--yes", url=db_url, cwd=folder)
    assert mixed.returncode == 2
    assert "exists and holds 1 rows" in mixed.stdout
    assert query(db_url, "SELECT count(*) FROM events") == [(1,)]

    assert callable(new_db)
    other = new_db()
    crossed = run_cli("restore", "latest", "--yes", url=other, cwd=folder)
    assert crossed.returncode == 2
    assert "was taken from" in crossed.stderr
    assert "--other-database" in crossed.stderr


def test_a_changed_backup_file_is_refused(db_url: str, tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        {
            "0001_users.sql": USERS,
            "0002_drop.sql": "-- pgshift:allow drop-column\nALTER TABLE users DROP COLUMN phone;\n",
        },
    )
    settings = load_settings({"database_url": db_url}, cwd=folder)
    migrate(settings=settings, to="1")
    result = migrate(settings=settings)
    taken = result.backups[0]
    data = taken.path / taken.items[0].file
    original = data.read_bytes()
    data.write_bytes(original[:-9] + bytes([original[-9] ^ 1]) + original[-8:])
    assert data.read_bytes() != original
    refused = run_cli("restore", taken.name, "--yes", url=db_url, cwd=folder)
    assert refused.returncode == 2
    assert "checksum does not match" in refused.stderr
    assert query(
        db_url,
        "SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
        "AND attname = 'phone' AND NOT attisdropped",
    ) == [(0,)]
    with pytest.raises(PgshiftError, match="no backup called"):
        find_backup(folder / ".pgshift" / "backups", "nope")


def test_a_pg_dump_older_than_the_server_is_not_used() -> None:
    from pgshift.db.pgtools import ToolMissing, find_tool

    found = find_tool("pg_dump", 9)
    assert found.major >= 9
    assert found.path.name == "pg_dump"
    with pytest.raises(ToolMissing, match="no pg_dump of PostgreSQL 99 or newer") as caught:
        find_tool("pg_dump", 99)
    assert str(found.path) in caught.value.message  # what was seen, and why not used
    with pytest.raises(ToolMissing, match="older than the 99 it needs"):
        find_tool("pg_dump", 99, explicit=str(found.path))
