"""Other tools' directories apply and roll back as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift import down, migrate, status
from tests.conftest import query, tables, write_migrations

LAYOUTS: dict[str, dict[str, str]] = {
    "pgshift": {
        "0001_users.sql": "CREATE TABLE users (id int);\n-- pgshift:down\nDROP TABLE users;\n",
        "0002_posts.py": "def up(conn):\n    conn.execute('CREATE TABLE posts (id int)')\n\n\n"
        "def down(conn):\n    conn.execute('DROP TABLE posts')\n",
        "0003_index.sql": "-- pgshift:no-transaction\n"
        "CREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n"
        "-- pgshift:down\nDROP INDEX CONCURRENTLY users_id_idx;\n",
    },
    "flyway": {
        "V1__users.sql": "CREATE TABLE users (id int);\n",
        "U1__users.sql": "DROP TABLE users;\n",
        "V1.1__posts.sql": "CREATE TABLE posts (id int);\n",
        "U1.1__posts.sql": "DROP TABLE posts;\n",
        "V2__index.sql": "CREATE INDEX users_id_idx ON users (id);\n",
        "U2__index.sql": "DROP INDEX users_id_idx;\n",
    },
    "golang-migrate": {
        "1_users.up.sql": "CREATE TABLE users (id int);\n",
        "1_users.down.sql": "DROP TABLE users;\n",
        "2_posts.up.sql": "CREATE TABLE posts (id int);\n",
        "2_posts.down.sql": "DROP TABLE posts;\n",
        "3_index.up.sql": "CREATE INDEX users_id_idx ON users (id);\n",
        "3_index.down.sql": "DROP INDEX users_id_idx;\n",
    },
    "dbmate": {
        "20240101000001_users.sql": "-- migrate:up\nCREATE TABLE users (id int);\n\n"
        "-- migrate:down\nDROP TABLE users;\n",
        "20240101000002_posts.sql": "-- migrate:up\nCREATE TABLE posts (id int);\n\n"
        "-- migrate:down\nDROP TABLE posts;\n",
        "20240101000003_index.sql": "-- migrate:up transaction:false\n"
        "CREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n\n"
        "-- migrate:down\nDROP INDEX users_id_idx;\n",
    },
    "folders": {
        "0001_users/up.sql": "CREATE TABLE users (id int);\n",
        "0001_users/down.sql": "DROP TABLE users;\n",
        "0002_posts/migration.sql": "CREATE TABLE posts (id int);\n-- pgshift:down\n"
        "DROP TABLE posts;\n",
        "0003_index/up.sql": "CREATE INDEX users_id_idx ON users (id);\n",
        "0003_index/down.sql": "DROP INDEX users_id_idx;\n",
    },
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_applies_and_rolls_back(db_url: str, tmp_path: Path, layout: str) -> None:
    folder = write_migrations(tmp_path / layout, LAYOUTS[layout])
    result = migrate(db_url, directory=folder)
    assert len(result.applied) == 3
    assert tables(db_url) == {"users", "posts"}
    assert query(db_url, "SELECT to_regclass('public.users_id_idx') IS NOT NULL") == [(True,)]
    rows = query(db_url, "SELECT version, kind FROM pgshift.history ORDER BY id")
    assert [kind for _, kind in rows] == ["versioned"] * 3
    assert status(db_url, directory=folder).status.up_to_date

    reverted = down(db_url, directory=folder, to="0")
    assert len(reverted.reverted) == 3
    assert tables(db_url) == set()
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


def test_flyway_versions_keep_their_dots(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "f", LAYOUTS["flyway"])
    migrate(db_url, directory=folder)
    versions = [r[0] for r in query(db_url, "SELECT version FROM pgshift.history ORDER BY id")]
    assert versions == ["1", "1.1", "2"]


def test_a_repeatable_runs_again_only_when_it_changes(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "r",
        {
            "0001_t.sql": "CREATE TABLE t (id int);\nCREATE TABLE runs (n int);\n",
            "R__view.sql": "INSERT INTO runs VALUES (1);\n"
            "CREATE OR REPLACE VIEW v AS SELECT id FROM t;\n",
        },
    )
    migrate(db_url, directory=folder)
    assert migrate(db_url, directory=folder).applied == ()
    assert query(db_url, "SELECT count(*) FROM runs") == [(1,)]
    (folder / "R__view.sql").write_text(
        "INSERT INTO runs VALUES (2);\n"
        "CREATE OR REPLACE VIEW v AS SELECT id, id + 1 AS next FROM t;\n"
    )
    again = migrate(db_url, directory=folder)
    assert [r.migration.name for r in again.applied] == ["R__view.sql"]
    assert query(db_url, "SELECT n FROM runs ORDER BY n") == [(1,), (2,)]
    rows = query(db_url, "SELECT count(*) FROM pgshift.history WHERE kind = 'repeatable'")
    assert rows == [(1,)]
