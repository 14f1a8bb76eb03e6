"""The plugin's entry point stays ``pgshift.pytest_plugin`` and carries all of the plugin."""

from __future__ import annotations

from importlib.metadata import entry_points

import pgshift.pytest_plugin as entry
import pgshift.testing.plugin as plugin


def test_the_entry_point_is_the_module_it_always_was() -> None:
    found = {e.name: e.value for e in entry_points(group="pytest11") if e.name == "pgshift"}
    assert found == {"pgshift": "pgshift.pytest_plugin"}


def test_the_entry_point_carries_every_fixture_and_hook() -> None:
    # pytest finds fixtures and hooks by the names of the registered module's attributes:
    # one left out here would vanish from users' suites
    names = {
        name
        for name in vars(plugin)
        if name.startswith(("pgshift_", "_pgshift_", "pytest_"))
        and not name.startswith("pytest_plugins")
    }
    assert names, "the plugin defines no fixture or hook"
    assert {name: getattr(entry, name, None) for name in names} == {
        name: getattr(plugin, name) for name in names
    }
