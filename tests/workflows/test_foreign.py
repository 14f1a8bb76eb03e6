"""Other tools' history tables: found in a live database and mapped onto the files."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgshift.errors import HistoryError, PgshiftError
from pgshift.migrations.discovery import discover
from pgshift.workflows.foreign import ForeignHistory, applied_files, find_histories
from tests.conftest import query, write_migrations

# Flyway 10's own DDL for PostgreSQL
FLYWAY_TABLE = """
CREATE TABLE {table} (
    installed_rank integer NOT NULL,
    version varchar(50),
    description varchar(200) NOT NULL,
    type varchar(20) NOT NULL,
    script varchar(1000) NOT NULL,
    checksum integer,
    installed_by varchar(100) NOT NULL,
    installed_on timestamp NOT NULL DEFAULT now(),
    execution_time integer NOT NULL,
    success boolean NOT NULL,
    CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank)
);
CREATE INDEX flyway_schema_history_s_idx ON {table} (success);
"""
FLYWAY_INSERT = """
INSERT INTO {table} (installed_rank, version, description, type, script, checksum,
                     installed_by, execution_time, success)
VALUES {rows}
"""
GOLANG_TABLE = (
    "CREATE TABLE {table} (version bigint NOT NULL, dirty boolean NOT NULL, "
    "CONSTRAINT schema_migrations_pkey PRIMARY KEY (version))"
)
DBMATE_TABLE = "CREATE TABLE {table} (version varchar(128) PRIMARY KEY)"
ALEMBIC_TABLE = (
    "CREATE TABLE {table} (version_num varchar(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


def histories(url: str) -> tuple[ForeignHistory, ...]:
    with psycopg.connect(url) as conn:
        return find_histories(conn)


def applied_names(history: ForeignHistory, folder: Path, **kwargs: Path) -> list[str]:
    return [m.name for m in applied_files(history, discover(folder), **kwargs)]


def revision_file(rev: str, down: str | tuple[str, ...] | None, upgrade: str) -> str:
    """An Alembic revision as its template writes it; it imports alembic, so running
    it here (where alembic is not installed) would fail."""
    return f'''"""{rev}

Revision ID: {rev}
Revises: {down or ""}
Create Date: 2024-03-01 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = {rev!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    {upgrade}


def downgrade() -> None:
    pass
'''


def test_flyway_history_in_its_own_schema(db_url: str, tmp_path: Path) -> None:
    table = "app.flyway_schema_history"
    query(db_url, "CREATE SCHEMA app")
    query(db_url, FLYWAY_TABLE.format(table=table))
    rows = """
        (0, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '"app"', NULL, 'deploy', 0, true),
        (1, '1', 'create users', 'SQL', 'V1__create_users.sql', 1134127612, 'deploy', 38, true),
        (2, '1.1', 'add email', 'SQL', 'V1_1__add_email.sql', -218832917, 'deploy', 12, true),
        (3, NULL, 'views', 'SQL', 'R__views.sql', 99120331, 'deploy', 7, true),
        (4, '2', 'posts', 'SQL', 'V2__posts.sql', 772310945, 'deploy', 21, true),
        (5, NULL, 'views', 'SQL', 'R__views.sql', -40213377, 'deploy', 6, true)
    """
    query(db_url, FLYWAY_INSERT.format(table=table, rows=rows))
    folder = write_migrations(
        tmp_path / "sql",
        {
            "V1__create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "U1__create_users.sql": "DROP TABLE users;\n",
            "V1_1__add_email.sql": "ALTER TABLE users ADD COLUMN email text;\n",
            "V2__posts.sql": "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            "V3__tags.sql": "CREATE TABLE tags (id bigint PRIMARY KEY);\n",
            "R__views.sql": "CREATE OR REPLACE VIEW user_ids AS SELECT id FROM users;\n",
        },
    )

    (history,) = histories(db_url)

    assert history == ForeignHistory(
        "flyway", table, ("1", "1.1", "2"), repeatables=("R__views.sql",)
    )
    assert applied_names(history, folder) == [
        "V1__create_users.sql",
        "V1_1__add_email.sql",
        "V2__posts.sql",
    ]


def test_flyway_baseline_counts_every_version_up_to_it(db_url: str, tmp_path: Path) -> None:
    table = "public.flyway_schema_history"
    query(db_url, FLYWAY_TABLE.format(table=table))
    rows = """
        (1, '3', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL,
         'deploy', 0, true),
        (2, '4', 'add tags', 'SQL', 'V4__add_tags.sql', 1450087723, 'deploy', 15, true)
    """
    query(db_url, FLYWAY_INSERT.format(table=table, rows=rows))
    # the baseline version itself has no file: it stands for the schema built by hand
    folder = write_migrations(
        tmp_path / "sql",
        {
            "V1__legacy_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "V2__legacy_posts.sql": "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            "V4__add_tags.sql": "CREATE TABLE tags (id bigint PRIMARY KEY);\n",
            "V5__add_likes.sql": "CREATE TABLE likes (id bigint PRIMARY KEY);\n",
        },
    )

    (history,) = histories(db_url)

    assert history == ForeignHistory("flyway", table, ("4",), baseline="3")
    assert applied_names(history, folder) == [
        "V1__legacy_users.sql",
        "V2__legacy_posts.sql",
        "V4__add_tags.sql",
    ]


def test_flyway_failed_row_is_refused(db_url: str, tmp_path: Path) -> None:
    table = "public.flyway_schema_history"
    query(db_url, FLYWAY_TABLE.format(table=table))
    rows = """
        (1, '1', 'create users', 'SQL', 'V1__create_users.sql', 1134127612, 'deploy', 38, true),
        (2, '2', 'index email', 'SQL', 'V2__index_email.sql', -90871234, 'deploy', 3, false)
    """
    query(db_url, FLYWAY_INSERT.format(table=table, rows=rows))
    folder = write_migrations(
        tmp_path / "sql",
        {
            "V1__create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
            "V2__index_email.sql": "CREATE INDEX users_email ON users (email);\n",
        },
    )

    (history,) = histories(db_url)

    assert history == ForeignHistory(
        "flyway", table, ("1",), dirty=True, failed="V2__index_email.sql"
    )
    with pytest.raises(HistoryError, match=r"Flyway left migration V2__index_email\.sql half"):
        applied_files(history, discover(folder))
    with pytest.raises(HistoryError) as caught:
        applied_files(history, discover(folder))
    assert "flyway repair" in caught.value.hint


def test_golang_migrate_current_version_and_all_below(db_url: str, tmp_path: Path) -> None:
    # an odd schema name: found, and quoted when read
    table = '"Billing Svc".schema_migrations'
    query(db_url, 'CREATE SCHEMA "Billing Svc"')
    query(db_url, GOLANG_TABLE.format(table=table))
    query(db_url, f"INSERT INTO {table} (version, dirty) VALUES (2, false)")
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "000001_create_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "000001_create_users.down.sql": "DROP TABLE users;\n",
            "000002_add_email.up.sql": "ALTER TABLE users ADD COLUMN email text;\n",
            "000002_add_email.down.sql": "ALTER TABLE users DROP COLUMN email;\n",
            "000003_posts.up.sql": "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            "000003_posts.down.sql": "DROP TABLE posts;\n",
        },
    )

    (history,) = histories(db_url)

    assert history == ForeignHistory("golang-migrate", "Billing Svc.schema_migrations", ("2",))
    assert applied_names(history, folder) == [
        "000001_create_users.up.sql",
        "000002_add_email.up.sql",
    ]


def test_golang_migrate_dirty_is_refused(db_url: str, tmp_path: Path) -> None:
    table = "public.schema_migrations"
    query(db_url, GOLANG_TABLE.format(table=table))
    query(db_url, f"INSERT INTO {table} (version, dirty) VALUES (2, true)")
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "1_create_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "2_add_email.up.sql": "ALTER TABLE users ADD COLUMN email text;\n",
        },
    )

    (history,) = histories(db_url)

    assert history == ForeignHistory("golang-migrate", table, ("2",), dirty=True, failed="2")
    with pytest.raises(HistoryError, match="golang-migrate left migration 2 half-applied") as err:
        applied_files(history, discover(folder))
    assert "migrate force" in err.value.hint


def test_dbmate_every_row_even_out_of_order(db_url: str, tmp_path: Path) -> None:
    table = "public.schema_migrations"
    query(db_url, DBMATE_TABLE.format(table=table))
    # dbmate applies a late-merged older file too, so the rows need not be a prefix
    query(db_url, f"INSERT INTO {table} VALUES ('20240301090000'), ('20240105120000')")
    folder = write_migrations(
        tmp_path / "db" / "migrations",
        {
            "20240105120000_create_users.sql": "-- migrate:up\n"
            "CREATE TABLE users (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n",
            "20240210080000_create_posts.sql": "-- migrate:up\n"
            "CREATE TABLE posts (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE posts;\n",
            "20240301090000_add_email.sql": "-- migrate:up\n"
            "ALTER TABLE users ADD COLUMN email text;\n\n"
            "-- migrate:down\nALTER TABLE users DROP COLUMN email;\n",
        },
    )

    (history,) = histories(db_url)

    assert history == ForeignHistory("dbmate", table, ("20240105120000", "20240301090000"))
    assert applied_names(history, folder) == [
        "20240105120000_create_users.sql",
        "20240301090000_add_email.sql",
    ]


@pytest.mark.parametrize(
    ("ddl", "row", "missing"),
    [
        (DBMATE_TABLE, "('20240105120000'), ('20240402000000')", "20240402000000"),
        (GOLANG_TABLE, "(5, false)", "5"),
    ],
    ids=["dbmate", "golang-migrate"],
)
def test_applied_version_without_a_file_is_refused(
    db_url: str, tmp_path: Path, ddl: str, row: str, missing: str
) -> None:
    table = "public.schema_migrations"
    query(db_url, ddl.format(table=table))
    query(db_url, f"INSERT INTO {table} VALUES {row}")
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "20240105120000_create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "4_add_email.up.sql": "ALTER TABLE users ADD COLUMN email text;\n",
        },
    )
    (history,) = histories(db_url)

    with pytest.raises(HistoryError) as caught:
        applied_files(history, discover(folder))

    assert f"{table} ({history.tool}) says version {missing} is applied" in caught.value.message
    assert "no migration file has that version" in caught.value.message
    assert caught.value.hint


ALEMBIC_SQL = {
    "0001_a1b2c3d4e5f6_create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    "0002_add_email.sql": "-- alembic: b2c3d4e5f6a7\n-- from alembic, unchanged\n"
    "ALTER TABLE users ADD COLUMN email text;\n",
    "0003_posts.sql": "\n-- alembic: c3d4e5f6a7b8\nCREATE TABLE posts (id bigint PRIMARY KEY);\n",
    "0004_tags.sql": "-- alembic: d4e5f6a7b8c9\nCREATE TABLE tags (id bigint PRIMARY KEY);\n",
}


def test_alembic_head_and_its_ancestors(db_url: str, tmp_path: Path) -> None:
    query(db_url, ALEMBIC_TABLE.format(table="public.alembic_version"))
    query(db_url, "INSERT INTO public.alembic_version VALUES ('c3d4e5f6a7b8')")
    op = "op.execute('SELECT 1')"
    versions = write_migrations(
        tmp_path / "alembic" / "versions",
        {
            "a1b2c3d4e5f6_create_users.py": revision_file("a1b2c3d4e5f6", None, op),
            "b2c3d4e5f6a7_add_email.py": revision_file("b2c3d4e5f6a7", "a1b2c3d4e5f6", op),
            # the old template: plain assignments, no annotations
            "c3d4e5f6a7b8_posts.py": "revision = 'c3d4e5f6a7b8'\n"
            "down_revision = 'b2c3d4e5f6a7'\nbranch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n    op.create_table('posts')\n",
            "d4e5f6a7b8c9_tags.py": revision_file("d4e5f6a7b8c9", "c3d4e5f6a7b8", op),
        },
    )
    (tmp_path / "alembic" / "env.py").write_text("from alembic import context\n")
    folder = write_migrations(tmp_path / "migrations", ALEMBIC_SQL)

    (history,) = histories(db_url)

    assert history == ForeignHistory("alembic", "public.alembic_version", ("c3d4e5f6a7b8",))
    assert applied_names(history, folder, alembic_dir=versions) == [
        "0001_a1b2c3d4e5f6_create_users.sql",
        "0002_add_email.sql",
        "0003_posts.sql",
    ]
    # the whole alembic folder works too: env.py defines no revision
    assert applied_names(history, folder, alembic_dir=tmp_path / "alembic") == [
        "0001_a1b2c3d4e5f6_create_users.sql",
        "0002_add_email.sql",
        "0003_posts.sql",
    ]


def test_alembic_merge_revision_follows_both_parents(db_url: str, tmp_path: Path) -> None:
    query(db_url, ALEMBIC_TABLE.format(table="public.alembic_version"))
    op = "op.execute('SELECT 1')"
    versions = write_migrations(
        tmp_path / "versions",
        {
            "a1b2c3d4e5f6_users.py": revision_file("a1b2c3d4e5f6", None, op),
            "b2c3d4e5f6a7_email.py": revision_file("b2c3d4e5f6a7", "a1b2c3d4e5f6", op),
            "c3d4e5f6a7b8_posts.py": revision_file("c3d4e5f6a7b8", "a1b2c3d4e5f6", op),
            # `alembic merge heads` writes an upgrade that does nothing: it needs no file
            "e5f6a7b8c9d0_merge.py": revision_file(
                "e5f6a7b8c9d0", ("b2c3d4e5f6a7", "c3d4e5f6a7b8"), "pass"
            ),
            "d4e5f6a7b8c9_tags.py": revision_file("d4e5f6a7b8c9", "e5f6a7b8c9d0", op),
        },
    )
    folder = write_migrations(tmp_path / "migrations", ALEMBIC_SQL)
    every = ["0001_a1b2c3d4e5f6_create_users.sql", "0002_add_email.sql", "0003_posts.sql"]

    query(db_url, "INSERT INTO public.alembic_version VALUES ('e5f6a7b8c9d0')")
    (history,) = histories(db_url)
    assert history.versions == ("e5f6a7b8c9d0",)
    assert applied_names(history, folder, alembic_dir=versions) == every

    # before the merge: two heads, two rows
    query(db_url, "DELETE FROM public.alembic_version")
    query(db_url, "INSERT INTO public.alembic_version VALUES ('c3d4e5f6a7b8'), ('b2c3d4e5f6a7')")
    (history,) = histories(db_url)
    assert history.versions == ("b2c3d4e5f6a7", "c3d4e5f6a7b8")
    assert applied_names(history, folder, alembic_dir=versions) == every

    # one branch only
    query(db_url, "DELETE FROM public.alembic_version WHERE version_num = 'b2c3d4e5f6a7'")
    (history,) = histories(db_url)
    assert applied_names(history, folder, alembic_dir=versions) == [
        "0001_a1b2c3d4e5f6_create_users.sql",
        "0003_posts.sql",
    ]


def test_alembic_revision_without_a_file_is_refused(db_url: str, tmp_path: Path) -> None:
    query(db_url, ALEMBIC_TABLE.format(table="public.alembic_version"))
    query(db_url, "INSERT INTO public.alembic_version VALUES ('b2c3d4e5f6a7')")
    op = "op.execute('SELECT 1')"
    versions = write_migrations(
        tmp_path / "versions",
        {
            "a1b2c3d4e5f6_users.py": revision_file("a1b2c3d4e5f6", None, op),
            "b2c3d4e5f6a7_email.py": revision_file("b2c3d4e5f6a7", "a1b2c3d4e5f6", op),
        },
    )
    folder = write_migrations(
        tmp_path / "migrations",
        {"0001_a1b2c3d4e5f6_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"},
    )
    (history,) = histories(db_url)

    with pytest.raises(HistoryError, match="revision b2c3d4e5f6a7") as caught:
        applied_files(history, discover(folder), alembic_dir=versions)
    assert "-- alembic: b2c3d4e5f6a7" in caught.value.hint


def test_alembic_without_its_folder_is_refused(db_url: str, tmp_path: Path) -> None:
    query(db_url, ALEMBIC_TABLE.format(table="public.alembic_version"))
    query(db_url, "INSERT INTO public.alembic_version VALUES ('a1b2c3d4e5f6')")
    folder = write_migrations(tmp_path / "migrations", ALEMBIC_SQL)
    (history,) = histories(db_url)

    with pytest.raises(PgshiftError) as caught:
        applied_files(history, discover(folder))

    assert "Alembic versions folder" in caught.value.hint


def test_several_tools_in_one_database(db_url: str) -> None:
    query(db_url, "CREATE SCHEMA analytics; CREATE SCHEMA billing")
    query(db_url, DBMATE_TABLE.format(table="public.schema_migrations"))
    query(db_url, "INSERT INTO public.schema_migrations VALUES ('20240105120000')")
    query(db_url, GOLANG_TABLE.format(table="billing.schema_migrations"))
    query(db_url, ALEMBIC_TABLE.format(table="analytics.alembic_version"))

    assert histories(db_url) == (
        ForeignHistory("alembic", "analytics.alembic_version", ()),
        ForeignHistory("golang-migrate", "billing.schema_migrations", ()),
        ForeignHistory("dbmate", "public.schema_migrations", ("20240105120000",)),
    )


def test_no_foreign_history(db_url: str) -> None:
    query(db_url, "CREATE TABLE users (id bigint PRIMARY KEY)")
    # names alone do not make a history table: a view, and a table of another shape
    query(db_url, "CREATE VIEW alembic_version AS SELECT 'x'::text AS version_num")
    query(db_url, "CREATE TABLE schema_migrations (id serial PRIMARY KEY, name text)")

    assert histories(db_url) == ()
