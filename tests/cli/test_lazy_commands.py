"""The command table of the lazy root group: true to the commands, and lazy in fact."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pgshift.cli import COMMANDS, cli
from tests.conftest import cli_env, run_cli

CLI_DIR = Path(__file__).resolve().parents[2] / "src" / "pgshift" / "cli"
COMMAND_MODULES = sorted({entry.module for entry in COMMANDS.values()})

# runs `pgshift ARGS` through the console-script entry point, then lists what it imported
_IMPORTED = """
import json, sys
from pgshift.cli import main
sys.argv = ["pgshift", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _loaded(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, name
    return command


def _imported(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTED, json.dumps(args)],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout  # the help was printed
    return set(json.loads(result.stderr.splitlines()[-1]))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_from_its_entry(name: str) -> None:
    entry = COMMANDS[name]
    command = _loaded(name)
    assert command.name == name
    assert command.callback is not None
    assert command.callback.__module__ == entry.module
    assert command is getattr(sys.modules[entry.module], entry.attr)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_has_each_commands_own_help_line(name: str) -> None:
    command = _loaded(name)
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=sys.maxsize)
    assert not command.hidden
    assert not command.deprecated


@pytest.mark.parametrize("width", [50, 64, 78, 120])
def test_the_listing_is_the_one_click_makes_from_the_commands(width: int) -> None:
    eager = click.Group("pgshift", commands=[_loaded(name) for name in COMMANDS])
    lazy = type(cli)("pgshift", lazy_commands=COMMANDS)
    shown = []
    for group in (eager, lazy):
        formatter = click.HelpFormatter(width=width)
        group.format_commands(click.Context(group), formatter)
        shown.append(formatter.getvalue())
    assert shown[0] == shown[1]
    assert lazy.commands == {}  # the listing loaded nothing


def test_every_command_module_is_in_the_table() -> None:
    modules = {f"pgshift.cli.{p.stem}" for p in CLI_DIR.glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(COMMAND_MODULES)
    assert cli.list_commands(click.Context(cli)) == sorted(COMMANDS)


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_no_command_module_imports_another(module: str) -> None:
    path = CLI_DIR / f"{module.rpartition('.')[2]}.py"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not imported & {*COMMAND_MODULES, "pgshift.cli"}


def test_the_root_help_imports_no_command_and_no_driver() -> None:
    imported = _imported("--help")
    assert "pgshift.cli" in imported
    assert not imported & set(COMMAND_MODULES)
    assert not {m for m in imported if m == "psycopg" or m.startswith("psycopg.")}


def test_a_commands_help_imports_only_its_own_module() -> None:
    imported = _imported("status", "--help")
    assert imported & set(COMMAND_MODULES) == {"pgshift.cli.migrate"}
    assert "pgshift.cli.lint" not in imported
    assert "pgshift.cli.diff" not in imported


def test_a_mistyped_command_still_gets_a_suggestion() -> None:
    result = run_cli("statu")
    assert result.returncode == 2
    assert "No such command 'statu'." in result.stderr
    if "Did you mean" in run_cli("embedded", "stat").stderr:  # click versions that suggest
        assert "Did you mean 'status'?" in result.stderr
