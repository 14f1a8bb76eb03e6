"""Where a fleet's targets come from, and every way the list can be wrong."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgshift.config import load_settings
from pgshift.errors import ConfigError
from pgshift.fleet import Target, resolve_targets
from tests.conftest import cli_env, run_cli, write_migrations


def settings_of(folder: Path, toml: str, url: str | None = None, name: str = "pgshift.toml"):
    (folder / name).write_text(toml)
    flags = {"database_url": url} if url else {}
    return load_settings(flags, cwd=folder, env={})


def test_urls_a_file_and_a_query_in_order_each_once(many_dbs, tmp_path: Path, server_url: str):
    urls = many_dbs(3)
    prefix = urls[0].rsplit("/", 1)[1][:-4]
    (tmp_path / "tenants.txt").write_text(f"# tenants\n\n{urls[1]}\n{urls[0]}\n")
    settings = settings_of(
        tmp_path,
        f'[fleet]\ntargets = ["{urls[0]}"]\ntargets_file = "tenants.txt"\n'
        f"targets_query = \"SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%' "
        'ORDER BY datname"\n',
        server_url,
    )
    found = resolve_targets(settings)
    assert [t.url for t in found] == [urls[0], urls[1], urls[2]]


def test_pyproject_tool_table(tmp_path: Path) -> None:
    settings = settings_of(
        tmp_path,
        '[tool.pgshift.fleet]\ntargets = ["postgresql://a@db1/app", "postgresql://a@db2/app"]\n',
        name="pyproject.toml",
    )
    assert [t.name for t in resolve_targets(settings)] == ["a@db1:5432/app", "a@db2:5432/app"]


def test_no_fleet_table_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no \[fleet\] table"):
        resolve_targets(settings_of(tmp_path, 'schema = "pgshift"\n'))


def test_a_query_that_finds_nothing_is_an_error_not_a_success(tmp_path: Path, server_url: str):
    settings = settings_of(
        tmp_path,
        "[fleet]\ntargets_query = \"SELECT datname FROM pg_database WHERE datname = 'nope'\"\n",
        server_url,
    )
    with pytest.raises(ConfigError, match="no targets: targets_query came to nothing"):
        resolve_targets(settings)


def test_a_query_that_fails_says_so(tmp_path: Path, server_url: str) -> None:
    settings = settings_of(
        tmp_path, '[fleet]\ntargets_query = "SELECT datname FROM pg_databse"\n', server_url
    )
    with pytest.raises(ConfigError, match=r"targets_query failed .*pg_databse.*42P01"):
        resolve_targets(settings)


def test_a_statement_that_is_not_a_query_is_refused(tmp_path: Path, server_url: str) -> None:
    settings = settings_of(tmp_path, '[fleet]\ntargets_query = "SET work_mem = 1000"\n', server_url)
    with pytest.raises(ConfigError, match="not a query"):
        resolve_targets(settings)


def test_schema_names_are_checked_as_identifiers(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute('CREATE SCHEMA tenant_ok; CREATE SCHEMA "Tenant-Bad"')
    settings = settings_of(
        tmp_path,
        '[fleet]\nschemas_query = "SELECT nspname FROM pg_namespace WHERE nspname ILIKE '
        "'tenant%' ORDER BY 1\"\n",
        db_url,
    )
    with pytest.raises(ConfigError, match=r"'Tenant-Bad': not a plain lower-case identifier"):
        resolve_targets(settings)


def test_schemas_query_makes_a_target_per_schema(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA t_a; CREATE SCHEMA t_b")
    settings = settings_of(
        tmp_path,
        '[fleet]\nschemas_query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE '
        "'t\\\\_%' ORDER BY 1\"\n",
        db_url,
    )
    assert resolve_targets(settings) == (Target(db_url, "t_a"), Target(db_url, "t_b"))


def test_a_bad_line_in_the_targets_file_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "tenants.txt").write_text("postgresql://db1/app\n\nnot a url\n")
    settings = settings_of(tmp_path, '[fleet]\ntargets_file = "tenants.txt"\n')
    with pytest.raises(ConfigError, match=r"tenants.txt:3: 'not a url' is not a database URL"):
        resolve_targets(settings)


def test_a_missing_targets_file(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, '[fleet]\ntargets_file = "gone.txt"\n')
    with pytest.raises(ConfigError, match=r"gone\.txt: the fleet's targets_file cannot be read"):
        resolve_targets(settings)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[fleet]\ntargetz = ["x"]\n', "unknown key 'targetz' in [fleet]"),
        ('[fleet]\ntargets = "postgresql://db/app"\n', "expected a list of URLs"),
        ("fleet = 3\n", "fleet must be a table"),
    ],
)
def test_bad_fleet_tables(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pgshift.toml").write_text(toml)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(cwd=tmp_path, env={})


def test_the_cli_says_a_bad_list_in_one_paragraph(tmp_path: Path, server_url: str) -> None:
    write_migrations(tmp_path / "migrations", {"0001_a.sql": "SELECT 1;\n"})
    (tmp_path / "pgshift.toml").write_text(
        '[fleet]\ntargets_query = "SELECT datname FROM pg_database WHERE false"\n'
    )
    for command in ("migrate", "status"):
        run = run_cli("fleet", command, cwd=tmp_path, env=cli_env(server_url))
        assert run.returncode == 2
        assert "the fleet has no targets" in run.stderr
        assert "Traceback" not in run.stderr
        assert run.stdout == ""


def test_bad_numbers_are_refused(tmp_path: Path) -> None:
    write_migrations(tmp_path / "migrations", {"0001_a.sql": "SELECT 1;\n"})
    for args, text in (
        (("--parallel", "0"), "at least one target at a time"),
        (("--canary", "-1"), "cannot be negative"),
        (("--max-failures", "0"), "stop after at least one failure"),
        (("--target-timeout", "soon"), "is not a duration"),
    ):
        run = run_cli(
            "fleet",
            "migrate",
            "--target",
            "postgresql://x@127.0.0.1:1/x",
            *args,
            cwd=tmp_path,
            env=cli_env(),
        )
        assert run.returncode == 2, run.stderr
        assert text in run.stderr, run.stderr
