"""Settings: flags > environment > config file > defaults, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.config import load_settings, parse_duration
from pgshift.errors import ConfigError


def test_defaults_with_nothing_set(tmp_path: Path) -> None:
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.uses_embedded
    assert settings.migrations_dir == tmp_path.resolve() / "migrations"
    assert settings.embedded_dir == tmp_path.resolve() / ".pgshift" / "pgdata"
    assert settings.schema == "pgshift"
    assert settings.lock_wait == 120.0
    assert settings.lock_timeout == 5.0  # on unless turned off
    assert settings.statement_timeout is None
    assert settings.config_file is None


@pytest.mark.parametrize("off", ["0", "0s", "0ms"])
def test_lock_timeout_zero_turns_it_off(tmp_path: Path, off: str) -> None:
    (tmp_path / "pgshift.toml").write_text(f'lock_timeout = "{off}"\n')
    assert load_settings(env={}, cwd=tmp_path).lock_timeout is None
    env = {"PGSHIFT_LOCK_TIMEOUT": "750ms"}
    assert load_settings(env=env, cwd=tmp_path).lock_timeout == 0.75


def test_precedence_flags_over_env_over_file(tmp_path: Path) -> None:
    (tmp_path / "pgshift.toml").write_text(
        'database_url = "postgresql://file/db"\nschema = "from_file"\nlock_wait = "30s"\n'
        'migrations = "db/migrations"\n'
    )
    env = {"DATABASE_URL": "postgresql://plain/db", "PGSHIFT_SCHEMA": "from_env"}
    settings = load_settings(env=env, cwd=tmp_path)
    assert settings.database_url == "postgresql://plain/db"
    assert settings.url_source == "DATABASE_URL"
    assert settings.schema == "from_env"
    assert settings.lock_wait == 30.0
    assert settings.migrations_dir == tmp_path.resolve() / "db" / "migrations"

    env["PGSHIFT_DATABASE_URL"] = "postgresql://specific/db"
    assert load_settings(env=env, cwd=tmp_path).database_url == "postgresql://specific/db"

    flagged = load_settings({"database_url": "postgresql://flag/db", "schema": None}, env=env,
                            cwd=tmp_path)  # fmt: skip
    assert flagged.database_url == "postgresql://flag/db"
    assert flagged.url_source == "option"
    assert flagged.schema == "from_env"  # a None flag is "not given"


def test_pyproject_table_and_search_upward(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.pgshift]\nmigrations = "sql"\nlock_timeout = "5s"\n'
    )
    nested = tmp_path / "src" / "app"
    nested.mkdir(parents=True)
    settings = load_settings(env={}, cwd=nested)
    assert settings.config_file == tmp_path.resolve() / "pyproject.toml"
    assert settings.project_dir == tmp_path.resolve()
    assert settings.migrations_dir == tmp_path.resolve() / "sql"
    assert settings.lock_timeout == 5.0


def test_pgshift_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pgshift]\nschema = "py"\n')
    (tmp_path / "pgshift.toml").write_text('schema = "toml"\n')
    assert load_settings(env={}, cwd=tmp_path).schema == "toml"


def test_libpq_variables_mean_libpq_decides(tmp_path: Path) -> None:
    settings = load_settings(env={"PGHOST": "db.internal"}, cwd=tmp_path)
    assert settings.database_url == ""
    assert not settings.uses_embedded


def test_explicit_config_file(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text('schema = "other"\n')
    assert load_settings(env={}, cwd=tmp_path, config_file=Path("other.toml")).schema == "other"
    assert load_settings(env={"PGSHIFT_CONFIG": "other.toml"}, cwd=tmp_path).schema == "other"
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={}, cwd=tmp_path, config_file=Path("missing.toml"))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("2s", 2.0), ("500ms", 0.5), ("5min", 300.0), ("1h", 3600.0), ("10", 10.0), (7, 7.0)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text, "x") == seconds


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('colour = "blue"\n', "unknown key 'colour'"),
        ('lock_wait = "soon"\n', "lock_wait: 'soon' is not a duration"),
        ("lock_wait = -3\n", "cannot be negative"),
        ('allow_out_of_order = "maybe"\n', "allow_out_of_order: expected true or false"),
        ('schema = "Bad-Name"\n', "schema: 'Bad-Name' is not a plain"),
        ("migrations = 3\n", "migrations: expected a string"),
        ("schema = [\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key_and_the_file(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "pgshift.toml").write_text(content)
    with pytest.raises(ConfigError, match=message) as error:
        load_settings(env={}, cwd=tmp_path)
    assert "pgshift.toml" in error.value.message


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PGSHIFT_LOCK_WAIT"):
        load_settings(env={"PGSHIFT_LOCK_WAIT": "forever"}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings({"colour": "blue"}, env={}, cwd=tmp_path)
