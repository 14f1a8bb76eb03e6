"""A fleet on a primary with a real streaming standby: ``fleet migrate --wait-replicas``
returns only once the standby has replayed every target's migrations."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import cli_env, query, write_migrations
from tests.replica import Pair, caught_up, replica_pair


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with replica_pair() as made:
        yield made


def test_fleet_wait_replicas(pair: Pair, tmp_path: Path) -> None:
    names = [f"fleet_r_{i}" for i in range(3)]
    with psycopg.connect(pair.primary_url, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    caught_up(pair)
    write_migrations(
        tmp_path / "migrations", {"0001_users.sql": "CREATE TABLE users (id bigint);\n"}
    )
    table = "SELECT to_regclass('users') IS NOT NULL"
    query(pair.standby_url, "SELECT pg_wal_replay_pause()")
    args = [a for name in names for a in ("--target", pair.primary_db(name))]
    process = subprocess.Popen(
        [sys.executable, "-m", "pgshift", "fleet", "migrate", "--json", "--wait-replicas",
         "--max-replica-lag", "30s", *args],
        cwd=tmp_path, env=cli_env(NO_COLOR="1"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not all(query(pair.primary_db(n), table) == [(True,)] for n in names):
            assert time.monotonic() < deadline, "never applied on the primary"
            time.sleep(0.1)
        time.sleep(1.5)
        assert process.poll() is None, process.communicate()  # waiting for the standby
        assert query(pair.standby_db(names[0]), table) == [(False,)]
        query(pair.standby_url, "SELECT pg_wal_replay_resume()")
        out, err = process.communicate(timeout=60)
    finally:
        query(pair.standby_url, "SELECT pg_wal_replay_resume()")
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert json.loads(out)["counts"] == {"migrated": 3}
    assert "waiting for replica" in err
    # the moment it returned, every tenant's table is on the standby
    for name in names:
        assert query(pair.standby_db(name), table) == [(True,)]
