"""The pytest plugin's entry point (``pytest11 = pgshift.pytest_plugin``), kept at this
name for projects that load it by hand; the plugin lives in :mod:`pgshift.testing.plugin`."""

from pgshift.testing.plugin import (
    _pgshift_pools,
    _pgshift_shared,
    pgshift_conn,
    pgshift_db,
    pgshift_server,
    pgshift_settings,
    pgshift_tx,
    pytest_addoption,
    pytest_configure,
)

__all__ = [
    "_pgshift_pools",
    "_pgshift_shared",
    "pgshift_conn",
    "pgshift_db",
    "pgshift_server",
    "pgshift_settings",
    "pgshift_tx",
    "pytest_addoption",
    "pytest_configure",
]
