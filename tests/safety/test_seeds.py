"""``pgshift seed``: seed files in name order, per-environment sets, each file atomic."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pgshift.config import load_settings
from pgshift.errors import ConfigError, DiscoveryError
from pgshift.safety.seeds import SeedFile, seed_files
from tests.conftest import ROOT, query, run_cli, write_migrations

EXAMPLE = ROOT / "examples" / "saas"

LOG_TABLE = "CREATE TABLE log (id serial PRIMARY KEY, what text NOT NULL UNIQUE);\n"


def _project(tmp_path: Path, migrations: dict[str, str], seeds: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pgshift.toml").write_text('migrations = "migrations"\n')
    write_migrations(tmp_path / "migrations", migrations)
    write_migrations(tmp_path / "seeds", seeds)
    return tmp_path


def _log(what: str) -> str:
    return f"INSERT INTO log (what) VALUES ('{what}') ON CONFLICT (what) DO NOTHING;\n"


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text
    stderr = "".join(
        line for line in result.stderr.splitlines(keepends=True) if not line.startswith("pgshift:")
    )
    assert stderr.startswith("error: "), stderr
    assert "\nhint: " in stderr
    for word in words:
        assert word in stderr, (word, stderr)
    return stderr


def test_seed_files_order_sets_and_mistakes(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path, env={})
    assert seed_files(settings) == ()  # no seeds folder: no seeds

    write_migrations(
        tmp_path / "seeds",
        {
            "20_posts.sql": "SELECT 1;",
            "10_users.sql": "SELECT 1;",
            "15_extra.py": "def seed(conn): pass\n",
            "README.md": "notes",
            "_helpers.py": "",
            ".hidden.sql": "",
            "10_users.sql.bak": "",
            "dev/01_demo.sql": "SELECT 1;",
            "test/01_fixture.sql": "SELECT 1;",
        },
    )
    seeds = tmp_path / "seeds"
    assert seed_files(settings) == (
        SeedFile(seeds / "10_users.sql", "sql"),
        SeedFile(seeds / "15_extra.py", "py"),
        SeedFile(seeds / "20_posts.sql", "sql"),
    )
    dev = load_settings(cwd=tmp_path, env={"PGSHIFT_ENV": "dev"})
    assert [f.path.name for f in seed_files(dev)] == [
        "10_users.sql",
        "15_extra.py",
        "20_posts.sql",
        "01_demo.sql",
    ]

    with pytest.raises(ConfigError) as missing:
        seed_files(load_settings({"environment": "staging"}, cwd=tmp_path, env={}))
    assert "staging" in missing.value.message
    assert "dev, test" in missing.value.hint

    (seeds / "30_more.SQL").write_text("SELECT 1;")
    with pytest.raises(DiscoveryError) as mistake:
        seed_files(settings)
    assert "30_more.SQL" in mistake.value.message
    assert "30_more.sql" in mistake.value.hint
    (seeds / "30_more.SQL").rename(seeds / "30_more.sql.txt")
    with pytest.raises(DiscoveryError, match=r"30_more\.sql\.txt"):
        seed_files(settings)


def test_seeds_run_in_name_order_then_the_environment_set(db_url: str, tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"0001_log.sql": LOG_TABLE},
        {
            "02_second.sql": _log("second"),
            "01_first.sql": _log("first"),
            "dev/01_dev.sql": _log("dev"),
            "test/01_test.sql": _log("test"),
        },
    )
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    plain = run_cli("seed", url=db_url, cwd=project)
    assert plain.returncode == 0, plain.stderr
    assert "seeds/01_first.sql: 1 row written" in plain.stdout
    assert "2 seed files run" in plain.stdout
    assert query(db_url, "SELECT what FROM log ORDER BY id") == [("first",), ("second",)]

    dev = run_cli("seed", "--env", "dev", "--json", url=db_url, cwd=project)
    assert dev.returncode == 0, dev.stderr
    report = json.loads(dev.stdout)
    assert [Path(f["file"]).name for f in report["files"]] == [
        "01_first.sql",
        "02_second.sql",
        "01_dev.sql",
    ]
    assert report["rows"] == 1  # the shared files' rows exist already
    assert report["environment"] == "dev"
    rows = query(db_url, "SELECT what FROM log ORDER BY id")
    assert rows == [("first",), ("second",), ("dev",)]

    missing = run_cli("seed", "--env", "prod", url=db_url, cwd=project)
    _refused(missing, "prod", "does not exist")


def test_a_failing_seed_names_file_and_line_and_keeps_nothing_of_it(
    db_url: str, tmp_path: Path
) -> None:
    project = _project(
        tmp_path,
        {"0001_log.sql": LOG_TABLE},
        {
            "01_good.sql": _log("good"),
            "02_bad.sql": _log("kept?") + "\n-- a column that a migration renamed\n"
            "INSERT INTO log (what, colour)\n    VALUES ('x', 'red');\n",
            "03_after.sql": _log("after"),
        },
    )
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    failed = run_cli("seed", url=db_url, cwd=project)
    stderr = _refused(failed, "02_bad.sql:4", "colour", "SQLSTATE 42703", "no longer fits")
    assert "INSERT INTO log (what, colour)" in stderr
    assert "seeded  seeds/01_good.sql" in failed.stdout
    # the file before stays applied; nothing of the failing file; nothing after it ran
    assert query(db_url, "SELECT what FROM log ORDER BY id") == [("good",)]


def test_a_seed_that_is_not_idempotent_is_told_how_to_be(db_url: str, tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"0001_log.sql": LOG_TABLE},
        {"01_plain.sql": "INSERT INTO log (what) VALUES ('once');\n"},
    )
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    assert run_cli("seed", url=db_url, cwd=project).returncode == 0
    again = run_cli("seed", url=db_url, cwd=project)
    _refused(again, "01_plain.sql:1", "SQLSTATE 23505", "ON CONFLICT")


def test_bad_seed_files_are_refused_before_anything_runs(db_url: str, tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"0001_log.sql": LOG_TABLE},
        {"01_good.sql": _log("good"), "02_tx.sql": "BEGIN;\n" + _log("tx") + "COMMIT;\n"},
    )
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    _refused(run_cli("seed", url=db_url, cwd=project), "02_tx.sql:1", "BEGIN")
    (project / "seeds" / "02_tx.sql").write_text("INSERT INTO log (what VALUES ('x');\n")
    _refused(run_cli("seed", url=db_url, cwd=project), "02_tx.sql:1", "syntax error")
    (project / "seeds" / "02_tx.sql").unlink()
    (project / "seeds" / "02_no_function.py").write_text("def up(conn):\n    pass\n")
    _refused(run_cli("seed", url=db_url, cwd=project), "02_no_function.py", "seed(conn)")
    assert query(db_url, "SELECT count(*) FROM log") == [(0,)]


def test_python_seeds(db_url: str, tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"0001_log.sql": LOG_TABLE},
        {
            "01_sql.sql": _log("sql"),
            "02_python.py": (
                '"""Seeds written in Python."""\n\n\n'
                "def seed(conn):\n"
                "    total = 0\n"
                "    for what in ('py1', 'py2'):\n"
                "        cur = conn.execute(\n"
                "            'INSERT INTO log (what) VALUES (%s) ON CONFLICT DO NOTHING', (what,)\n"
                "        )\n"
                "        total += cur.rowcount\n"
                "    return total\n"
            ),
        },
    )
    assert run_cli("migrate", url=db_url, cwd=project).returncode == 0
    first = run_cli("seed", "--json", url=db_url, cwd=project)
    assert first.returncode == 0, first.stderr
    files = json.loads(first.stdout)["files"]
    assert [(f["kind"], f["rows"]) for f in files] == [("sql", 1), ("py", 2)]
    assert query(db_url, "SELECT what FROM log ORDER BY id") == [("sql",), ("py1",), ("py2",)]

    (project / "seeds" / "03_broken.py").write_text(
        "def seed(conn):\n"
        "    conn.execute(\"INSERT INTO log (what) VALUES ('half')\")\n"
        "    conn.execute('SELECT no_such_column FROM log')\n"
    )
    failed = run_cli("seed", url=db_url, cwd=project)
    _refused(failed, "03_broken.py:3", "no_such_column", "SQLSTATE 42703", "no longer fits")
    assert ("half",) not in query(db_url, "SELECT what FROM log")


def test_seed_refuses_while_migrations_are_pending(
    db_url: str, new_db: Callable[[], str], tmp_path: Path
) -> None:
    project = _project(
        tmp_path,
        {"0001_log.sql": LOG_TABLE, "0002_more.sql": "ALTER TABLE log ADD COLUMN at date;\n"},
        {"01_first.sql": _log("first")},
    )
    assert run_cli("migrate", "--to", "1", url=db_url, cwd=project).returncode == 0
    pending = run_cli("seed", url=db_url, cwd=project)
    _refused(pending, "1 migration is pending", "0002", "pgshift migrate first")
    assert query(db_url, "SELECT count(*) FROM log") == [(0,)]

    empty = _project(tmp_path / "fresh", {"0001_log.sql": LOG_TABLE}, {"01.sql": _log("x")})
    fresh = new_db()  # no history table at all: every migration is pending
    _refused(run_cli("seed", url=fresh, cwd=empty), "1 migration is pending")
    assert query(fresh, "SELECT to_regnamespace('pgshift')") == [(None,)]


def test_the_example_seeds_apply_and_a_second_run_changes_nothing(db_url: str) -> None:
    config = str(EXAMPLE / "pgshift.toml")
    migrated = run_cli("migrate", "--config", config, url=db_url)
    assert migrated.returncode == 0, migrated.stderr

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {
            table: query(db_url, f"SELECT * FROM {table} ORDER BY 1")
            for table in ("users", "creator_profiles", "posts")
        }

    first = run_cli("seed", "--env", "dev", "--json", "--config", config, url=db_url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["rows"] > 0
    before = snapshot()
    assert len(before["users"]) == 5
    assert len(before["posts"]) == 24

    second = run_cli("seed", "--env", "dev", "--json", "--config", config, url=db_url)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["rows"] == 0
    assert snapshot() == before  # not even updated_at moved

    shared = run_cli("seed", "--config", config, url=db_url)
    assert shared.returncode == 0, shared.stderr
    assert "0 rows written" in shared.stdout
