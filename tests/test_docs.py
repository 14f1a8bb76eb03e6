"""The README documents every command, option, directive and setting the code has."""

from __future__ import annotations

import re
from pathlib import Path

import click

from pgshift.cli import cli
from pgshift.config import KNOWN_KEYS
from pgshift.sections import KNOWN_DIRECTIVES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _commands(group: click.Group, prefix: str = "pgshift") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix} {name}"))
    return found


def test_every_command_is_in_the_readme() -> None:
    missing = []
    for path, _command in _commands(cli):
        group, _, name = path.rpartition(" ")
        documented = f"`{path}" in README or any(
            f"`{group} " in line and re.search(rf"\b{name}\b", line) for line in README.splitlines()
        )
        if not documented:
            missing.append(path)
    assert not missing


def test_every_option_is_in_the_readme() -> None:
    missing = []
    for path, command in _commands(cli):
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--") and opt not in ("--help",) and opt not in README:
                        missing.append(f"{path} {opt}")
    assert not missing


def test_every_directive_and_setting_is_in_the_readme() -> None:
    for directive in KNOWN_DIRECTIVES:
        assert f"pgshift:{directive}" in README
    for key in KNOWN_KEYS:
        assert re.search(rf"\| `{key}` \|", README), key
