"""``pgshift verify``: every up, the seeds twice, every down and every up again, on a
scratch database; each way a migration project goes wrong is named."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgshift.config import load_settings
from pgshift.workflows.verify import verify
from tests.conftest import ROOT, query, run_cli, write_migrations

EXAMPLE = ROOT / "examples" / "saas"

USERS = (
    "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n"
    "-- pgshift:down\nDROP TABLE users;\n"
)
POSTS = (
    "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users);\n"
    "CREATE INDEX posts_user_id ON posts (user_id);\n"
    "-- pgshift:down\nDROP TABLE posts;\n"
)


def _project(
    tmp_path: Path, migrations: dict[str, str], seeds: dict[str, str] | None = None
) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pgshift.toml").write_text('migrations = "migrations"\n')
    write_migrations(tmp_path / "migrations", migrations)
    if seeds:
        write_migrations(tmp_path / "seeds", seeds)
    return tmp_path


def _failed(result: subprocess.CompletedProcess[str], *words: str) -> str:
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text
    assert "verify failed" in result.stdout
    for word in words:
        assert word in result.stdout, (word, result.stdout)
    return result.stdout


def _scratch_databases(url: str) -> list[str]:
    rows = query(url, "SELECT datname FROM pg_database WHERE datname LIKE 'pgshift_scratch_%'")
    return [str(r[0]) for r in rows]


def test_a_clean_project_passes_and_leaves_the_target_alone(db_url: str, tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"0001_users.sql": USERS, "0002_posts.sql": POSTS},
        {"01_users.sql": "INSERT INTO users VALUES (1, 'ann') ON CONFLICT (id) DO NOTHING;\n"},
    )
    result = run_cli("verify", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    for stage in ("lint: 2 files", "up: 2 migrations", "seed:", "down: 2 downs run, schema empty"):
        assert stage in result.stdout, (stage, result.stdout)
    assert "up again: 2 migrations applied again, same schema" in result.stdout
    assert "verified: 2 migrations" in result.stdout
    # the target is not touched: no history, no tables; the scratch database is gone
    assert query(db_url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgshift'") == [(0,)]
    assert query(db_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
    report = json.loads(run_cli("verify", "--json", url=db_url, cwd=project).stdout)
    assert report["ok"] is True
    assert report["scratch"].startswith("pgshift_scratch_")
    assert report["scratch"] not in _scratch_databases(db_url)


def test_a_down_that_leaves_a_table_behind_is_named(db_url: str, tmp_path: Path) -> None:
    posts = POSTS.replace(
        "CREATE INDEX", "CREATE TABLE post_tags (post_id bigint, tag text);\nCREATE INDEX"
    )
    project = _project(tmp_path, {"0001_users.sql": USERS, "0002_posts.sql": posts})
    out = _failed(run_cli("verify", url=db_url, cwd=project))
    assert "error (down): " in out
    assert "0002_posts.sql: the down part of 0002_posts.sql does not undo its up part" in out
    assert "table public.post_tags: still there after the down" in out
    # 0001's down ran after it, and its own comparison does not blame it for post_tags
    assert "the down part of 0001_users.sql" not in out
    # and the leftover makes the second pass fail where 0002 creates the table again
    assert "error (up again): " in out
    assert "0002_posts.sql:2:" in out
    assert "cannot be applied again after its down" in out


def test_a_migration_that_cannot_be_applied_again_after_its_down(
    db_url: str, tmp_path: Path
) -> None:
    # A publication is not part of the schema the downs are compared on: the down
    # passes its comparison, and the up part trips over what it left.
    name = f"pub_{uuid.uuid4().hex[:8]}"
    publish = (
        f"CREATE TABLE events (id bigint PRIMARY KEY);\nCREATE PUBLICATION {name};\n"
        "-- pgshift:down\nDROP TABLE events;\n"
    )
    project = _project(tmp_path, {"0001_users.sql": USERS, "0002_publish.sql": publish})
    report = run_cli("verify", "--json", url=db_url, cwd=project)
    assert report.returncode == 1, report.stdout + report.stderr
    payload = json.loads(report.stdout)
    assert payload["ok"] is False
    stages = {s["name"]: s["ok"] for s in payload["stages"]}
    assert stages == {"lint": True, "up": True, "down": True, "up again": False}
    (problem,) = payload["problems"]
    assert problem["stage"] == "up again"
    assert problem["path"].endswith("0002_publish.sql")
    assert problem["line"] == 2
    assert "already exists" in problem["message"]
    assert "cannot be applied again after its down" in problem["message"]


def test_a_seed_that_no_longer_fits_the_schema(db_url: str, tmp_path: Path) -> None:
    rename = (
        "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
        "-- pgshift:down\nALTER TABLE users RENAME COLUMN full_name TO name;\n"
    )
    project = _project(
        tmp_path,
        {"0001_users.sql": USERS, "0002_rename.sql": rename},
        {
            "01_users.sql": "-- the admin\n"
            "INSERT INTO users (id, name)\n    VALUES (1, 'admin') ON CONFLICT (id) DO NOTHING;\n"
        },
    )
    out = _failed(run_cli("verify", url=db_url, cwd=project))
    assert "error (seed): " in out
    assert "seeds/01_users.sql:2" in out
    assert 'column "name" of relation "users" does not exist' in out
    assert "no longer fits the schema the migrations make" in out
    # the downs still ran and were checked
    assert "down: 2 downs run, schema empty again" in out


def test_seeds_that_are_not_idempotent(db_url: str, tmp_path: Path) -> None:
    log = "CREATE TABLE log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what text);\n"
    project = _project(
        tmp_path, {"0001_log.sql": log}, {"01_log.sql": "INSERT INTO log (what) VALUES ('hi');\n"}
    )
    out = _failed(run_cli("verify", url=db_url, cwd=project))
    assert "error (seed again): " in out
    assert "public.log: 1 -> 2 rows" in out
    assert "ON CONFLICT" in out

    unique = "CREATE TABLE tag (name text PRIMARY KEY);\n"
    other = _project(
        tmp_path / "unique",
        {"0001_tag.sql": unique},
        {"01_tag.sql": "INSERT INTO tag VALUES ('a');\n"},
    )
    out = _failed(run_cli("verify", url=db_url, cwd=other))
    assert "seeds/01_tag.sql:1" in out
    assert "fail when run a second time: they are not idempotent" in out


def test_a_failing_up_stops_with_file_and_line(db_url: str, tmp_path: Path) -> None:
    broken = "CREATE TABLE a (id bigint);\nALTER TABLE missing ADD COLUMN b text;\n"
    project = _project(tmp_path, {"0001_users.sql": USERS, "0002_broken.sql": broken})
    out = _failed(run_cli("verify", url=db_url, cwd=project))
    assert "error (up): " in out
    assert "0002_broken.sql:2" in out
    assert 'relation "missing" does not exist' in out
    assert "down:" not in out  # nothing further is checked on a half-built schema


def test_lint_errors_and_missing_downs(db_url: str, tmp_path: Path) -> None:
    drop = "DROP TABLE users;\n"
    project = _project(tmp_path, {"0001_users.sql": USERS, "0002_drop.sql": drop})
    out = _failed(run_cli("verify", url=db_url, cwd=project))
    assert "error (lint): " in out
    assert "0002_drop.sql:1: [drop-table]" in out
    # no down part: a warning by default, and the downs after it are still checked
    assert "warning: 0002_drop.sql has no down part" in out

    project = _project(
        tmp_path / "two",
        {"0001_users.sql": USERS.split("-- pgshift:down")[0], "0002_posts.sql": POSTS},
    )
    ok = run_cli("verify", url=db_url, cwd=project)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "warning: 0001_users.sql has no down part: downs checked only for the 1 migration" in (
        ok.stdout
    )
    strict = run_cli("verify", "--require-down", url=db_url, cwd=project)
    _failed(strict, "0001_users.sql has no down part (--require-down)")


@pytest.mark.usefixtures("example_server")
def test_the_example_project_verifies_with_its_dev_seeds(db_url: str) -> None:
    result = run_cli("verify", "--env", "dev", url=db_url, cwd=EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "seed: the seeds (4 files) ran twice" in result.stdout
    assert "down: 8 downs run, schema empty again" in result.stdout


def test_the_library_reports_stages_and_differences(db_url: str, tmp_path: Path) -> None:
    posts = POSTS.replace("DROP TABLE posts;", "DROP INDEX posts_user_id;")
    project = _project(tmp_path, {"0001_users.sql": USERS, "0002_posts.sql": posts})
    settings = load_settings({"database_url": db_url}, cwd=project, env={})
    result = verify(settings=settings)
    assert not result.ok
    left, failed = [p for p in result.problems if p.stage == "down"]
    assert left.path is not None
    assert left.path.name == "0002_posts.sql"
    assert [(d.kind, d.name, d.change) for d in left.differences] == [
        ("table", "public.posts", "extra")
    ]
    # 0001's down then fails, at its line, since posts still references users
    assert failed.path is not None
    assert failed.path.name == "0001_users.sql"
    assert failed.line == 3
    assert "depend" in failed.message
    assert failed.differences == ()
    assert [(s.name, s.ok) for s in result.stages] == [
        ("lint", True),
        ("up", True),
        ("down", False),
    ]


def test_a_role_that_may_not_create_databases_is_told_what_to_do(
    db_url: str, tmp_path: Path
) -> None:
    role = f"pgshift_nocreatedb_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(sql.Identifier(role)))
    try:
        params = conninfo_to_dict(db_url)
        params.pop("password", None)
        as_role = make_conninfo(**{**params, "user": role})
        project = _project(tmp_path, {"0001_users.sql": USERS})
        result = run_cli("verify", url=as_role, cwd=project)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert "may not create databases" in result.stderr
        assert "CREATEDB" in result.stderr
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.mark.parametrize("seeds", [False, True])
def test_verify_needs_no_seeds_folder(db_url: str, tmp_path: Path, seeds: bool) -> None:
    project = _project(
        tmp_path,
        {"0001_users.sql": USERS},
        {"01_users.sql": "INSERT INTO users VALUES (1, 'a') ON CONFLICT DO NOTHING;\n"}
        if seeds
        else None,
    )
    result = run_cli("verify", url=db_url, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("seed:" in result.stdout) is seeds
