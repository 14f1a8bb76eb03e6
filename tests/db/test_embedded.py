"""The embedded default: no URL anywhere, and pgshift still works, on its own server."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli, write_migrations


@pytest.fixture
def project() -> Iterator[Path]:
    """A project with no database URL anywhere; its embedded server is stopped after."""
    base = Path(tempfile.mkdtemp(prefix="pgshift-embedded-"))
    base.chmod(0o755)
    write_migrations(
        base / "migrations",
        {
            "0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
            "-- pgshift:down\nDROP TABLE users;\n",
            "0002_index.sql": "-- pgshift:no-transaction\n"
            "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
        },
    )
    try:
        yield base
    finally:
        run_cli("embedded", "stop", cwd=base, env=cli_env())
        shutil.rmtree(base, ignore_errors=True)


def test_migrate_with_no_url_uses_an_embedded_server_kept_in_the_project(project: Path) -> None:
    env = cli_env()
    first = run_cli("migrate", cwd=project, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "2 migrations applied" in first.stdout
    notes = [line for line in first.stderr.splitlines() if "embedded PostgreSQL" in line]
    assert len(notes) == 1
    assert ".pgshift/pgdata" in notes[0]
    assert (project / ".pgshift" / "pgdata" / "PG_VERSION").is_file()

    again = run_cli("status", cwd=project, env=env)
    assert again.returncode == 0, again.stderr
    assert "2 applied" in again.stdout

    url = run_cli("embedded", "url", cwd=project, env=env)
    assert url.returncode == 0
    assert url.stdout.startswith("postgresql://postgres@127.0.0.1:")

    info = run_cli("embedded", "status", cwd=project, env=env)
    assert info.returncode == 0
    assert "running, pid" in info.stdout

    stopped = run_cli("embedded", "stop", cwd=project, env=env)
    assert stopped.stdout.strip() == "stopped"
    info = run_cli("embedded", "status", cwd=project, env=env)
    assert info.returncode == 1
    assert "stopped" in info.stdout

    # the data survived the stop: the next command restarts it and nothing is pending
    after = run_cli("status", "--json", cwd=project, env=env, timeout=300)
    assert after.returncode == 0, after.stderr
    assert '"up_to_date": true' in after.stdout


def test_embedded_status_before_anything_was_created(tmp_path: Path) -> None:
    result = run_cli("embedded", "status", cwd=tmp_path, env=cli_env())
    assert result.returncode == 1
    assert "not created yet" in result.stdout
    assert not (tmp_path / ".pgshift" / "pgdata").exists()
