"""``pgshift reset``: a development database rebuilt from its migrations and seeds, and
the rules that keep it from dropping a database by accident."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from pgshift.config import load_settings
from pgshift.errors import PgshiftError
from pgshift.workflows.reset import plan_reset, reset
from tests.conftest import cli_env, query, run_cli, tables, write_migrations

MIGRATIONS = {
    "0001_users.sql": "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);\n",
    "0002_posts.sql": "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\n",
}
SEEDS = {
    "01_users.sql": "INSERT INTO users VALUES (1, 'ada'), (2, 'grace') ON CONFLICT DO NOTHING;\n",
    "dev/01_posts.sql": "INSERT INTO posts VALUES (10, 1) ON CONFLICT DO NOTHING;\n",
}
PUBLIC_SCHEMA = (
    "SELECT nspowner::regrole::text, nspacl::text, obj_description(oid, 'pg_namespace') "
    "FROM pg_namespace WHERE nspname = 'public'"
)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pgshift.toml").write_text('migrations = "migrations"\n')
    write_migrations(tmp_path / "migrations", MIGRATIONS)
    write_migrations(tmp_path / "seeds", SEEDS)
    return tmp_path


def _name(url: str) -> str:
    return str(conninfo_to_dict(url)["dbname"])


def _reset(
    *args: str, url: str, cwd: Path, typed: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``pgshift reset ARGS`` with ``typed`` (and Enter) on its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "pgshift", "reset", *args],
        cwd=cwd,
        env=cli_env(url),
        input=None if typed is None else typed + "\n",
        stdin=subprocess.DEVNULL if typed is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text
    errors = [line for line in result.stderr.splitlines() if not line.startswith("pgshift:")]
    assert errors[0].startswith("error: "), result.stderr
    assert any(line.startswith("hint: ") for line in errors)
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    return result.stderr


def _migrated_with_extra(url: str, project: Path) -> None:
    assert run_cli("migrate", url=url, cwd=project).returncode == 0
    query(url, "CREATE TABLE by_hand (id int); INSERT INTO by_hand VALUES (1), (2)")
    query(url, "INSERT INTO users VALUES (99, 'hand-made')")


def test_reset_rebuilds_the_migrated_schema_and_the_seeds(
    db_url: str, new_db: Callable[[], str], tmp_path: Path
) -> None:
    project = _project(tmp_path)
    pristine = query(new_db(), PUBLIC_SCHEMA)
    _migrated_with_extra(db_url, project)
    query(db_url, "ALTER SCHEMA public OWNER TO postgres; REVOKE ALL ON SCHEMA public FROM PUBLIC")

    result = _reset("--yes", "--env", "dev", url=db_url, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "schema public: 3 tables" in result.stdout  # shown before dropping
    assert "applied  0002_posts.sql" in result.stdout
    assert "seeded  seeds/dev/01_posts.sql: 1 row written" in result.stdout
    assert "2 migrations applied" in result.stdout

    assert tables(db_url) == {"users", "posts"}  # by_hand is gone
    assert query(db_url, "SELECT id, name FROM users ORDER BY id") == [(1, "ada"), (2, "grace")]
    assert query(db_url, "SELECT id FROM posts") == [(10,)]
    assert query(db_url, "SELECT version FROM pgshift.history ORDER BY id") == [("1",), ("2",)]
    # public is back as PostgreSQL makes it: owner, privileges and comment
    assert query(db_url, PUBLIC_SCHEMA) == pristine
    assert run_cli("status", url=db_url, cwd=project).returncode == 0


def test_the_typed_name_confirms(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    _migrated_with_extra(db_url, project)
    result = _reset(url=db_url, cwd=project, typed=_name(db_url))
    assert result.returncode == 0, result.stderr
    assert "Type the database name to confirm" in result.stdout
    assert tables(db_url) == {"users", "posts"}
    assert query(db_url, "SELECT count(*) FROM users") == [(2,)]


def test_a_wrong_name_or_none_drops_nothing(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    _migrated_with_extra(db_url, project)
    for typed in ("postgres", _name(db_url) + "x", "", None):
        result = _reset(url=db_url, cwd=project, typed=typed)
        _refused(result, "Nothing was dropped")
        assert tables(db_url) == {"users", "posts", "by_hand"}
        assert query(db_url, "SELECT count(*) FROM users") == [(1,)]
        assert query(db_url, "SELECT count(*) FROM by_hand") == [(2,)]


@pytest.mark.parametrize(
    "host",
    ["10.255.255.1", "db.example.com"],
    ids=["unroutable-address", "remote-name"],
)
def test_a_remote_server_is_refused_before_connecting(tmp_path: Path, host: str) -> None:
    project = _project(tmp_path)
    url = f"postgresql://app:s3cret-pw@{host}:5432/prod"
    for args, why in (
        ((), "--force"),
        (("--yes",), "--force"),
        (("--force", "--yes"), "--yes is accepted only"),
    ):
        started = time.monotonic()
        result = _reset(*args, url=url, cwd=project, typed="prod")
        # 10.255.255.1 answers nothing: a connection attempt would take seconds
        assert time.monotonic() - started < 5
        stderr = _refused(result, "no connection was made", why)
        assert "s3cret-pw" not in stderr + result.stdout


def test_the_library_needs_the_name_and_a_local_server(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    _migrated_with_extra(db_url, project)
    settings = load_settings({"database_url": db_url}, cwd=project, env={})

    plan = plan_reset(settings)
    assert plan.database == _name(db_url)
    assert plan.local
    assert [(s.name, s.exists, s.tables) for s in plan.schemas] == [
        ("public", True, 3),
        ("pgshift", True, 3),
    ]
    with pytest.raises(PgshiftError, match="is not the name of the database"):
        reset(settings=settings, confirm="postgres")
    assert "by_hand" in tables(db_url)

    remote = settings.with_url("postgresql://app@10.255.255.1/prod")
    started = time.monotonic()
    with pytest.raises(PgshiftError, match="not a server on this machine"):
        reset(settings=remote, confirm="prod")
    assert time.monotonic() - started < 5

    done = reset(settings=settings, confirm=plan.database)
    assert [s.name for s in done.dropped] == ["public", "pgshift"]
    assert done.created == ("public",)
    assert len(done.migrated.applied) == 2
    assert [run.rows for run in done.seeded] == [2]  # no environment: the shared seeds only
    assert tables(db_url) == {"users", "posts"}


def test_schemas_a_migration_creates_are_left_to_it(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "pgshift.toml").write_text(
        'migrations = "migrations"\nmanaged_schemas = ["public", "app"]\n'
    )
    write_migrations(
        tmp_path / "migrations",
        {"0001_app.sql": "CREATE SCHEMA app;\nCREATE TABLE app.things (id int);\n"},
    )
    assert run_cli("migrate", url=db_url, cwd=tmp_path).returncode == 0
    query(db_url, "INSERT INTO app.things VALUES (1); CREATE SCHEMA scratch")

    result = _reset("--yes", url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "schema app: 1 table" in result.stdout
    assert "left alone, not in managed_schemas: scratch" in result.stdout
    assert query(db_url, "SELECT count(*) FROM app.things") == [(0,)]
    assert query(db_url, "SELECT to_regnamespace('scratch') IS NOT NULL") == [(True,)]


def test_reset_checks_the_files_before_dropping(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    _migrated_with_extra(db_url, project)
    (project / "seeds" / "02_broken.sql").write_text("INSERT INTO users VALUES (3, 'x'\n")
    _refused(_reset("--yes", url=db_url, cwd=project), "02_broken.sql", "syntax error")
    (project / "seeds" / "02_broken.sql").unlink()
    _refused(_reset("--yes", "--env", "staging", url=db_url, cwd=project), "staging")
    assert "by_hand" in tables(db_url)
