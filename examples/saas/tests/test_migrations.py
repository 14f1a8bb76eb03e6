"""Tests of this project's migrations with pgshift's pytest plugin: a pattern to copy.

From this folder: ``pytest tests``. The server is ``--pgshift-url``, ``PGSHIFT_TEST_URL``
or ``DATABASE_URL``; with none, the plugin starts a test server of its own.
"""

from __future__ import annotations

import psycopg
import pytest

import pgshift
import pgshift.testing
from pgshift import MigrationError
from pgshift.config import Settings
from pgshift.testing import TestDatabase

NEW_USER = "INSERT INTO users (name, email, password) VALUES (%s, %s, 'not a real hash')"


def add_users(url: str, *users: tuple[str, str]) -> None:
    """Users (name, email) as the application would have written them."""
    with psycopg.connect(url, autocommit=True) as conn:
        for user in users:
            conn.execute(NEW_USER, user)


def test_every_migration_steps_down_and_up_again(
    pgshift_settings: Settings, pgshift_server: str
) -> None:
    """The stairway: each migration up, down, up again, and the schema compared."""
    steps = pgshift.testing.stairway(pgshift_settings, pgshift_server)
    assert len(steps) == 8


def test_a_new_user_gets_an_id_and_timestamps(pgshift_conn: psycopg.Connection) -> None:
    """pgshift_conn: a connection to a database of this test's own, fully migrated."""
    row = pgshift_conn.execute(
        NEW_USER + " RETURNING id, created_at = updated_at", ("Ann", "ann@example.com")
    ).fetchone()
    assert row is not None
    assert row[1] is True


@pytest.mark.pgshift_version("0007")
def test_0008_makes_email_unique_and_keeps_the_users(
    pgshift_db: TestDatabase, pgshift_settings: Settings
) -> None:
    """A data migration's test: rows loaded at 0007, migrated to 0008, checked."""
    add_users(pgshift_db.url, ("Ann", "ann@example.com"), ("Bob", "bob@example.com"))
    pgshift.migrate(pgshift_db.url, directory=pgshift_settings.migrations_dir, to="0008")
    with psycopg.connect(pgshift_db.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (2,)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(NEW_USER, ("Ann again", "ann@example.com"))


@pytest.mark.pgshift_version("0007")
def test_0008_stops_on_duplicate_emails_and_changes_nothing(
    pgshift_db: TestDatabase, pgshift_settings: Settings
) -> None:
    """What production would meet if two users shared an email: 0008 fails whole."""
    add_users(pgshift_db.url, ("Ann", "ann@example.com"), ("Ann's twin", "ann@example.com"))
    with pytest.raises(MigrationError) as failed:
        pgshift.migrate(pgshift_db.url, directory=pgshift_settings.migrations_dir, to="0008")
    assert "0008_users_email_unique.sql" in str(failed.value)
    status = pgshift.status(pgshift_db.url, directory=pgshift_settings.migrations_dir).status
    assert status.current == "7"
    assert [entry.slug for entry in status.pending] == ["users_email_unique"]
