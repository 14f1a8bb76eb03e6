"""The README documents every command, option, directive and setting the code has."""

from __future__ import annotations

import re
from pathlib import Path

import click

from pgshift.cli import cli
from pgshift.config import KNOWN_KEYS
from pgshift.migrations.sections import KNOWN_DIRECTIVES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _commands(group: click.Group, prefix: str = "pgshift") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the root group loads its commands when asked
        command = group.get_command(ctx, name)
        assert command is not None, name
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


def test_the_rule_pages_are_written_from_the_rules(tmp_path: Path) -> None:
    from pgshift.lint.model import GROUPS
    from pgshift.lint.ruledocs import index, page
    from pgshift.lint.rules import RULES

    docs = ROOT / "docs" / "rules"
    stale = [
        rule.id
        for rule in RULES
        if not (docs / f"{rule.id}.md").is_file()
        or (docs / f"{rule.id}.md").read_text()
        != page(rule.id, GROUPS[rule.group], rule.severity.value, rule.doc, rule.enabled_by_default)
    ]
    assert not stale, "run: pgshift lint --write-docs docs/rules"
    assert (docs / "README.md").read_text() == index(RULES)
    pages = {p.stem for p in docs.glob("*.md")} - {"README"}
    assert pages == {rule.id for rule in RULES}  # no page of a rule that is gone
    assert "docs/rules/README.md" in README
    assert "entry: pgshift lint" in (ROOT / ".pre-commit-hooks.yaml").read_text()
