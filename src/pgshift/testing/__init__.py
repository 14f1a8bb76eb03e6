"""Migrated test databases in milliseconds, and the stairway check, for users' test suites.

:mod:`~pgshift.testing.templates` builds a migrated template once per set of files
and clones it per test; :mod:`~pgshift.testing.stairs` takes each migration up, down
and up again; :mod:`~pgshift.testing.plugin` is the pytest plugin over both. The test
server itself (in memory, without durability) is :mod:`pgshift.db.testserver`.
"""

from pgshift.db.testserver import (
    TEST_SERVER_SETTINGS,
    disposable_dir,
    disposable_server,
    remove_disposable,
)
from pgshift.testing.databases import TestDatabase, database_url
from pgshift.testing.stairs import StairwayStep, stairway
from pgshift.testing.templates import (
    CLONE_PREFIX,
    TEMPLATE_PREFIX,
    ClonePool,
    cloned,
    ensure_template,
    template_name,
)

__all__ = [
    "CLONE_PREFIX",
    "TEMPLATE_PREFIX",
    "TEST_SERVER_SETTINGS",
    "ClonePool",
    "StairwayStep",
    "TestDatabase",
    "cloned",
    "database_url",
    "disposable_dir",
    "disposable_server",
    "ensure_template",
    "remove_disposable",
    "stairway",
    "template_name",
]
