"""The pytest plugin: each test gets a freshly migrated database, cloned from a template.

Loaded by pytest through the ``pytest11`` entry point when pgshift is installed.

Fixtures:

- ``pgshift_db``: a :class:`~pgshift.testing.TestDatabase` (``.name``, ``.url``),
  a clone of the migrated template, dropped after the test.
- ``pgshift_conn``: a psycopg connection (autocommit) to it.
- ``pgshift_tx``: a connection in a transaction on one migrated database shared by
  the session, rolled back after the test: milliseconds, for tests that work only
  through it.
- ``pgshift_settings``: the :class:`~pgshift.config.Settings` the plugin uses.
- ``pgshift_server``: the URL of the server the databases are made on (for
  :func:`pgshift.testing.stairway`, say).

The marker ``@pytest.mark.pgshift_version("0003")`` gives the test the database as
it was at that version: load data, then ``pgshift.migrate(url, to=...)`` and assert,
to test a data migration.

The server is ``--pgshift-url`` (or ``PGSHIFT_TEST_URL``, or the project's
``DATABASE_URL``), else the embedded one; the migrations come from
``--pgshift-migrations`` or the project's configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

_T = TypeVar("_T")

if TYPE_CHECKING:  # the plugin loads with every pytest run: the driver only when used
    from pgshift.testing import TestDatabase


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pgshift", "migrated test databases (pgshift)")
    group.addoption(
        "--pgshift-url",
        metavar="URL",
        help="Server for the test databases (default: PGSHIFT_TEST_URL, DATABASE_URL, "
        "or the embedded server).",
    )
    group.addoption(
        "--pgshift-migrations",
        metavar="DIR",
        help="Migrations directory (default: the project's configuration).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "pgshift_version(version): the pgshift_db of this test is migrated only up to version",
    )


@pytest.fixture(scope="session")
def pgshift_settings(pytestconfig: pytest.Config) -> Any:
    """The settings the plugin migrates with: the project's, with the options applied."""
    import os

    from pgshift.config import load_settings

    flags: dict[str, Any] = {}
    url = pytestconfig.getoption("--pgshift-url") or os.environ.get("PGSHIFT_TEST_URL")
    if url:
        flags["database_url"] = url
    directory = pytestconfig.getoption("--pgshift-migrations")
    if directory:
        flags["migrations"] = str(directory)
    return _said(lambda: load_settings(flags))


@pytest.fixture(scope="session")
def pgshift_server(pgshift_settings: Any) -> str:
    """The URL of the server the test databases are made on: the server given, else the
    project's embedded test server (in memory where there is room, without durability:
    its databases are disposable)."""
    from pgshift.db.embedded import server_binaries
    from pgshift.testing import disposable_dir, disposable_server

    if pgshift_settings.database_url is not None:
        return str(pgshift_settings.database_url)
    version = pgshift_settings.embedded_version

    def start() -> str:
        folder = disposable_dir(pgshift_settings.embedded_dir.parent, version=version)
        return disposable_server(folder, server_binaries(version))

    return _said(start)


@pytest.fixture(scope="session")
def _pgshift_pools(pgshift_settings: Any, pgshift_server: str) -> Iterator[dict[Any, Any]]:
    """One pool of clones per template (per version pinned), for the session."""
    pools: dict[Any, Any] = {}
    yield pools
    for pool in pools.values():
        pool.close()


def _pool(pools: dict[Any, Any], settings: Any, server: str, version: str | None) -> Any:
    """The session's pool of clones of the template at ``version``, made on first use."""
    from pgshift.testing import ClonePool, ensure_template

    if version not in pools:
        pools[version] = _said(
            lambda: ClonePool(server, ensure_template(settings, server, version))
        )
    return pools[version]


def _said(make: Callable[[], _T]) -> _T:
    """``make()``, with pgshift's errors (an unreachable server, a migration that fails,
    with its file:line) as one paragraph in the test's report, not a traceback."""
    from pgshift.errors import PgshiftError

    try:
        return make()
    except PgshiftError as exc:
        failure = f"pgshift: {exc}"
    # outside the handler, so that no chain of exceptions is shown
    pytest.fail(failure, pytrace=False)


@pytest.fixture
def pgshift_db(
    request: pytest.FixtureRequest,
    pgshift_settings: Any,
    pgshift_server: str,
    _pgshift_pools: dict[Any, Any],
) -> Iterator[TestDatabase]:
    """A freshly migrated database for this test (a clone of the template, made ahead)."""
    marker = request.node.get_closest_marker("pgshift_version")
    version = str(marker.args[0]) if marker and marker.args else None
    pool = _pool(_pgshift_pools, pgshift_settings, pgshift_server, version)
    database = _said(pool.take)
    try:
        yield database
    finally:
        pool.give_back(database)


@pytest.fixture(scope="session")
def _pgshift_shared(
    pgshift_settings: Any, pgshift_server: str, _pgshift_pools: dict[Any, Any]
) -> Iterator[TestDatabase]:
    pool = _pool(_pgshift_pools, pgshift_settings, pgshift_server, None)
    database = _said(pool.take)
    yield database
    pool.give_back(database)


@pytest.fixture
def pgshift_tx(_pgshift_shared: TestDatabase) -> Iterator[Any]:
    """A connection inside a transaction on one migrated database shared by the session's
    tests, rolled back after the test: the fastest isolation, for tests that do all
    their work through this connection (and do not commit)."""
    import psycopg

    with psycopg.connect(_pgshift_shared.url) as conn:
        try:
            yield conn
        finally:
            conn.rollback()


@pytest.fixture
def pgshift_conn(pgshift_db: TestDatabase) -> Iterator[Any]:
    """A psycopg connection (autocommit) to this test's database."""
    import psycopg

    with psycopg.connect(pgshift_db.url, autocommit=True) as conn:
        yield conn
