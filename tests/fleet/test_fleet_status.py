"""``fleet status``: each state told apart on real databases, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pgshift
import pgshift.fleet
from tests.conftest import cli_env, query, run_cli, write_migrations


def test_every_state(many_dbs, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n",
            "0002_b.sql": "-- pgshift:no-transaction\nCREATE TABLE b (id int);\n"
            "CREATE TABLE b_again (id int);\n",
        },
    )
    up, behind, partial, drifted, failed = many_dbs(5)
    pgshift.migrate(up, directory=folder)
    pgshift.migrate(drifted, directory=folder)
    query(drifted, "ALTER TABLE a ADD COLUMN by_hand text")
    pgshift.migrate(behind, directory=folder, to="1")
    # partial: the no-transaction file stops after its first statement
    query(partial, "CREATE TABLE b_again (taken text)")
    run = pgshift.fleet.migrate([partial], directory=folder)
    assert run.results[0].state == "failed"
    # failed: the last fleet run failed there (a conflicting table) and it is still behind
    query(failed, "CREATE TABLE a (conflict text)")
    pgshift.fleet.migrate([failed], directory=folder)
    gone = "postgresql://postgres@127.0.0.1:1/nothing"
    targets = [up, behind, partial, drifted, failed, gone]
    args = [a for url in targets for a in ("--target", url)]

    plain = run_cli("fleet", "status", *args, cwd=tmp_path, env=cli_env())
    assert plain.returncode == 1, plain.stderr
    with_drift = run_cli("fleet", "status", "--json", "--drift", *args, cwd=tmp_path, env=cli_env())
    assert with_drift.returncode == 1, with_drift.stderr
    report = json.loads(with_drift.stdout)
    states = [t["state"] for t in report["targets"]]
    assert states == ["up to date", "behind", "partial", "drifted", "failed", "unreachable"]
    by_state = {t["state"]: t for t in report["targets"]}
    assert by_state["behind"]["pending"] == 1
    assert by_state["behind"]["version"] == "1"
    assert by_state["up to date"]["version"] == "2"
    assert "0002_b.sql" in by_state["partial"]["message"]
    assert any("by_hand" in d for d in by_state["drifted"]["differences"])
    assert "already exists" in by_state["failed"]["message"]
    assert report["newest"] == "2"
    # without --drift the drifted target is only up to date
    lines = plain.stdout.splitlines()
    assert lines[3].startswith("up to date")
    assert "drifted" not in plain.stdout
    assert "1 behind" in lines[-1]
    assert "1 unreachable" in lines[-1]


def test_all_up_to_date_exits_0(many_dbs, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "migrations", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    urls = many_dbs(3)
    assert pgshift.fleet.migrate(urls, directory=folder).ok
    found = pgshift.fleet.status(urls, directory=folder, drift=True)
    assert found.ok
    assert found.counts == {"up to date": 3}
    run = run_cli(
        "fleet", "status", *(a for u in urls for a in ("--target", u)), cwd=tmp_path, env=cli_env()
    )
    assert run.returncode == 0, run.stderr


def test_drift_of_a_tenant_schema(db_url: str, tmp_path: Path) -> None:
    from pgshift.fleet import Target

    folder = write_migrations(
        tmp_path / "migrations",
        {"0001_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\nCREATE INDEX ON a (id);\n"},
    )
    query(db_url, "CREATE SCHEMA t1; CREATE SCHEMA t2")
    targets = [Target(db_url, "t1"), Target(db_url, "t2")]
    assert pgshift.fleet.migrate(targets, directory=folder).ok
    query(db_url, "CREATE TABLE t2.extra (id int)")
    found = pgshift.fleet.status(targets, directory=folder, drift=True)
    assert [t.state for t in found.targets] == ["up to date", "drifted"]
    assert any("t2.extra" in d for d in found.targets[1].differences)
