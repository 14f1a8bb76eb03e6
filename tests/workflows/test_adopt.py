"""``pgshift adopt``: a database built without pgshift, taken over without re-running anything."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, cli_env, query, run_cli, write_migrations

HOWTO = ROOT / "tests" / "cases" / "adopt" / "howto_psql.sql"
EXAMPLE = ROOT / "examples" / "saas" / "migrations"


def _psql(url: str, path: Path) -> None:
    """Build the database the way the how-to's team did: statements run with psql."""
    done = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pgshift.toml").write_text('migrations = "migrations"\n')
    (tmp_path / "migrations").mkdir(exist_ok=True)
    return tmp_path


def test_adopting_the_howto_database_writes_a_first_migration(db_url: str, tmp_path: Path) -> None:
    _psql(db_url, HOWTO)
    query(db_url, "INSERT INTO users (name, email, password) VALUES ('a', 'a@x', 'p')")
    project = _project(tmp_path)
    result = run_cli("adopt", "--yes", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted((project / "migrations").iterdir())
    assert [p.name for p in written] == ["0001_adopted_schema.sql"]
    text = written[0].read_text()
    assert "CREATE TABLE public.users" in text or "CREATE TABLE users" in text
    assert "idx_posts_user_id" in text
    assert "exactly the live schema" in result.stdout
    # nothing pending, no drift, the data untouched
    status = run_cli("status", url=db_url, cwd=project)
    assert status.returncode == 0, status.stdout + status.stderr
    drift = run_cli("drift", url=db_url, cwd=project)
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert query(db_url, "SELECT count(*) FROM users") == [(1,)]
    # and the written migration builds the same schema anywhere (verify: up from empty)
    verify = run_cli("verify", url=db_url, cwd=project)
    assert "up: 1 migration applied from empty" in verify.stdout, verify.stdout


def test_existing_files_whose_objects_are_there_are_recorded(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    shutil.copytree(EXAMPLE, project / "migrations", dirs_exist_ok=True)
    # the database has what 0001-0006 make, built by hand from their up parts
    for path in sorted(EXAMPLE.glob("*.sql"))[:6]:
        up = path.read_text().split("-- pgshift:down")[0]
        query(db_url, up)
    result = run_cli("adopt", "--yes", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "present   0001_create_users.sql" in out
    assert "missing   0007_index_posts_user_id.sql" in out
    assert "missing   0008_users_email_unique.sql" in out
    assert "recorded as applied: 0001_create_users.sql" in out
    status = run_cli("status", "--json", url=db_url, cwd=project)
    states = {Path(e["file"]).name: e["state"] for e in json.loads(status.stdout)["migrations"]}
    assert states["0006_drop_users_phone.sql"] == "baselined"
    assert states["0007_index_posts_user_id.sql"] == "pending"
    migrate = run_cli("migrate", url=db_url, cwd=project)
    assert migrate.returncode == 0, migrate.stderr
    assert "2 migrations applied" in migrate.stdout
    assert run_cli("drift", url=db_url, cwd=project).returncode == 0


def test_a_file_whose_objects_differ_is_not_recorded(db_url: str, tmp_path: Path) -> None:
    _psql(db_url, HOWTO)
    project = _project(tmp_path)
    shutil.copytree(EXAMPLE, project / "migrations", dirs_exist_ok=True)
    result = run_cli("adopt", "--yes", url=db_url, cwd=project)
    out = result.stdout + result.stderr
    # the how-to's timestamps are without time zone and nullable; the files' are not
    assert "different 0001_create_users.sql" in out, out
    assert "differs: column public.users.created_at" in out


def test_adopt_refuses_a_database_pgshift_already_manages(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    write_migrations(project / "migrations", {"0001_a.sql": "CREATE TABLE a (id bigint);\n"})
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    result = run_cli("adopt", "--yes", url=db_url, cwd=project)
    assert result.returncode == 2
    assert "already managed by pgshift" in result.stderr
    assert "Traceback" not in result.stderr


def test_adopt_asks_first_and_a_no_records_nothing(db_url: str, tmp_path: Path) -> None:
    _psql(db_url, HOWTO)
    project = _project(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pgshift", "adopt"],
        cwd=project,
        input="n\n",
        capture_output=True,
        text=True,
        env=cli_env(db_url),
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "nothing recorded" in result.stdout
    assert list((project / "migrations").iterdir()) == []
    assert query(db_url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgshift'") == [(0,)]


def test_a_flyway_database_switches_without_running_anything(db_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    files = {
        "V1__users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
        "V2__posts.sql": "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);\n",
        "V3__posts_index.sql": "CREATE INDEX posts_user_id_idx ON posts (user_id);\n",
    }
    write_migrations(project / "migrations", files)
    # Flyway ran V1 and V2 here, and recorded them in its own table
    query(db_url, files["V1__users.sql"] + files["V2__posts.sql"])
    query(
        db_url,
        "CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY, "
        "version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, "
        "script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, "
        "installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL, "
        "success boolean NOT NULL)",
    )
    query(
        db_url,
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
        "checksum, installed_by, execution_time, success) VALUES "
        "(1, '1', 'users', 'SQL', 'V1__users.sql', 1, 'app', 5, true), "
        "(2, '2', 'posts', 'SQL', 'V2__posts.sql', 2, 'app', 5, true)",
    )
    result = run_cli("adopt", "--yes", url=db_url, cwd=project)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out  # Flyway's table is not counted against the files
    assert "exactly the live schema" in out
    assert "found another tool's history: flyway: public.flyway_schema_history" in out
    assert "(applied according to flyway (public.flyway_schema_history))" in out
    assert "recorded as applied: V1__users.sql, V2__posts.sql" in out
    status = run_cli("status", "--json", url=db_url, cwd=project)
    states = {Path(e["file"]).name: e["state"] for e in json.loads(status.stdout)["migrations"]}
    assert states == {
        "V1__users.sql": "baselined",
        "V2__posts.sql": "baselined",
        "V3__posts_index.sql": "pending",
    }
    # Flyway's own table is not part of the schema the files make: drift names it
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    drift = run_cli("drift", url=db_url, cwd=project)
    assert "table public.flyway_schema_history" in drift.stdout
