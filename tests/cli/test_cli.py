"""The commands' ordinary paths, as a user runs them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import cli_env, query, run_cli, tables, write_migrations


def test_init_and_new(tmp_path: Path) -> None:
    first = run_cli("init", "--dir", str(tmp_path))
    assert first.returncode == 0
    assert (tmp_path / "migrations").is_dir()
    assert (tmp_path / "pgshift.toml").is_file()
    assert "nothing to do" in run_cli("init", "--dir", str(tmp_path)).stdout

    made = run_cli("new", "Add posts!", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "migrations" / "0001_add_posts.sql").is_file()
    (tmp_path / "migrations" / "0001_add_posts.sql").write_text("CREATE TABLE posts (id int);\n")
    run_cli("new", "index posts", "--no-transaction", cwd=tmp_path)
    second = tmp_path / "migrations" / "0002_index_posts.sql"
    assert second.read_text().startswith("-- pgshift:no-transaction\n")
    run_cli("new", "backfill", "--python", cwd=tmp_path)
    assert (tmp_path / "migrations" / "0003_backfill.py").read_text().count("def ") == 2


def test_new_follows_timestamp_versions(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "migrations", {"20240101120000_a.sql": "SELECT 1;"})
    result = run_cli("new", "b", "--dir", str(folder))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2
    stamp = names[1].split("_")[0]
    assert len(stamp) == 14
    assert stamp > "20240101120000"
    assert abs(time.mktime(time.strptime(stamp, "%Y%m%d%H%M%S")) - time.time()) < 86400 * 2


def test_dry_run_json_to_and_status(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n-- pgshift:down\nDROP TABLE a;\n",
            "0002_b.sql": "CREATE TABLE b (id int);\n-- pgshift:down\nDROP TABLE b;\n",
            "0003_c.sql": "CREATE TABLE c (id int);\n-- pgshift:down\nDROP TABLE c;\n",
        },
    )
    d = str(folder)
    dry = run_cli("migrate", "--dry-run", "--dir", d, url=db_url)
    assert dry.returncode == 0
    assert dry.stdout.index("CREATE TABLE a") < dry.stdout.index("CREATE TABLE c")
    assert tables(db_url) == set()

    pending = run_cli("status", "--json", "--dir", d, url=db_url)
    assert pending.returncode == 1
    assert [m["state"] for m in json.loads(pending.stdout)["migrations"]] == ["pending"] * 3

    partial = run_cli("migrate", "--to", "2", "--json", "--dir", d, url=db_url)
    assert partial.returncode == 0
    assert [m["version"] for m in json.loads(partial.stdout)["applied"]] == ["1", "2"]
    assert tables(db_url) == {"a", "b"}

    rest = run_cli("migrate", "--dir", d, url=db_url)
    assert "1 migration applied" in rest.stdout
    done = run_cli("status", "--json", "--dir", d, url=db_url)
    assert done.returncode == 0
    assert json.loads(done.stdout)["current"] == "3"

    assert run_cli("down", "--dir", d, url=db_url).returncode == 0
    assert tables(db_url) == {"a", "b"}
    assert run_cli("down", "--steps", "2", "--dir", d, url=db_url).returncode == 0
    assert tables(db_url) == set()
    run_cli("migrate", "--dir", d, url=db_url)
    assert run_cli("down", "--to", "1", "--dir", d, url=db_url).returncode == 0
    assert tables(db_url) == {"a"}


def test_baseline_a_database_built_by_hand(db_url: str, tmp_path: Path) -> None:
    query(db_url, "CREATE TABLE users (id int)")
    query(db_url, "CREATE TABLE posts (id int)")
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_users.sql": "CREATE TABLE users (id int);\n",
            "0002_posts.sql": "CREATE TABLE posts (id int);\n",
            "0003_bio.sql": "ALTER TABLE users ADD COLUMN bio text;\n",
        },
    )
    d = str(folder)
    clash = run_cli("migrate", "--dir", d, url=db_url)
    assert clash.returncode == 2
    assert "pgshift baseline" in clash.stderr  # the hint for "already exists"
    base = run_cli("baseline", "2", "--dir", d, url=db_url)
    assert base.returncode == 0, base.stderr
    state = json.loads(run_cli("status", "--json", "--dir", d, url=db_url).stdout)
    assert [m["state"] for m in state["migrations"]] == ["baselined", "baselined", "pending"]
    assert run_cli("migrate", "--dir", d, url=db_url).returncode == 0
    columns = query(
        db_url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'users'"
    )
    assert ("bio",) in columns
    again = run_cli("baseline", "3", "--dir", d, url=db_url)
    assert again.returncode == 2
    assert "already has migration history" in again.stderr


def test_down_refuses_a_remote_server_before_connecting(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "SELECT 1;\n"})
    started = time.monotonic()
    result = run_cli("down", "--dir", str(folder), url="postgresql://app@10.255.255.1:5432/prod")
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert time.monotonic() - started < 5


def test_libpq_variables_name_the_server(db_url: str, tmp_path: Path) -> None:
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(db_url)
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    env = cli_env(
        PGHOST=str(params.get("host", "127.0.0.1")),
        PGPORT=str(params.get("port", "5432")),
        PGUSER=str(params.get("user", "postgres")),
        PGDATABASE=str(params["dbname"]),
    )
    result = run_cli("migrate", "--dir", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    assert "embedded" not in result.stderr
    assert tables(db_url) == {"a"}


def test_to_must_be_a_version(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    for command in ("migrate", "down"):
        result = run_cli(command, "--to", "latest", "--dir", str(folder), url=db_url)
        assert result.returncode == 2
        assert "not a version number" in result.stderr
        assert "Traceback" not in result.stderr
    assert tables(db_url) == set()


def test_a_file_system_refusal_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "migrations").write_text("a file where the folder should be")
    result = run_cli("init", "--dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "migrations" in result.stderr
    assert "Traceback" not in result.stderr
    assert "bug" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("verify",),
        ("drift",),
        ("seed",),
        ("reset", "--yes"),
        ("diff",),
        ("generate", "more", "--from", "schema.sql"),
        ("adopt",),
    ],
)
def test_every_command_reading_the_directory_keeps_to_a_pinned_layout(
    db_url: str, tmp_path: Path, command: tuple[str, ...]
) -> None:
    # a directory in pgshift's layout, read as Flyway's: each command must refuse it by
    # Flyway's rule, before it connects or drops anything
    folder = write_migrations(tmp_path / "migrations", {"0001_a.sql": "CREATE TABLE a (id int);"})
    (tmp_path / "schema.sql").write_text("CREATE TABLE a (id int);\n")
    query(db_url, "CREATE TABLE kept (id int)")
    result = run_cli(*command, "--layout", "flyway", "--dir", str(folder), url=db_url, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "does not name a migration of the flyway layout" in result.stderr
    assert "kept" in tables(db_url)
