"""Rules that are off by default run only where the project turns them on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.config import load_settings
from pgshift.errors import ConfigError
from pgshift.lint.files import lint_migrations, options_from
from pgshift.lint.rules import RULES
from pgshift.migrations.discovery import sql_file


def _findings(tmp_path: Path, config: str) -> set[str]:
    (tmp_path / "pgshift.toml").write_text(config)
    settings = load_settings({}, config_file=tmp_path / "pgshift.toml")
    migration = sql_file(tmp_path / "m.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
    return {f.rule for f in lint_migrations([migration], options_from(settings))}


def test_an_opt_in_rule_is_off_by_default(tmp_path: Path) -> None:
    assert any(not r.enabled_by_default for r in RULES)
    assert "unqualified-name" not in _findings(tmp_path, "")


def test_lint_enable_turns_it_on(tmp_path: Path) -> None:
    assert "unqualified-name" in _findings(tmp_path, 'lint_enable = ["unqualified-name"]\n')


def test_lint_enable_refuses_an_unknown_rule(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown lint rule"):
        _findings(tmp_path, 'lint_enable = ["unqualified-names"]\n')
