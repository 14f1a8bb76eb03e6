"""The URLs the pytest plugin hands to tests: every parameter kept, the password hidden."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict

from pgshift.testing import TestDatabase, database_url


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        (
            "postgresql://postgres@127.0.0.1:5432/postgres",
            {"user": "postgres", "host": "127.0.0.1", "port": "5432"},
        ),
        (
            "postgresql://a%40b:p%2Fw%3Ax@[::1]:5433/db?sslmode=require&application_name=x%20y",
            {
                "user": "a@b",
                "password": "p/w:x",
                "host": "::1",
                "port": "5433",
                "sslmode": "require",
                "application_name": "x y",
            },
        ),
        (
            "host=/var/run/postgresql user=me dbname=x",
            {"user": "me", "host": "/var/run/postgresql"},
        ),
        (
            "host=h1,h2 port=1,2 user=u password='s p@:'",
            {"user": "u", "password": "s p@:", "host": "h1,h2", "port": "1,2"},
        ),
        ("dbname=foo", {}),
    ],
)
def test_a_clones_url_is_the_servers_with_another_database(
    server: str, expected: dict[str, str]
) -> None:
    url = database_url(server, "pgshift test 1")
    assert url.startswith("postgresql://")
    assert conninfo_to_dict(url) == {**expected, "dbname": "pgshift test 1"}


def test_the_password_never_shows_and_sqlalchemy_gets_its_form() -> None:
    db = TestDatabase("t", database_url("postgresql://app:s%20cr%40t@db:5432/x", "t"))
    assert "s%20cr%40t" in db.url
    assert "cr" not in repr(db).replace("TestDatabase", "")
    assert repr(db) == "TestDatabase(name='t', url='postgresql://app:***@db:5432/t')"
    assert db.sqlalchemy_url == "postgresql+psycopg://app:s%20cr%40t@db:5432/t"
