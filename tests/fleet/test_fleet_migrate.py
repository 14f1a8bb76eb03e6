"""``pgshift fleet migrate`` and :func:`pgshift.fleet.migrate` on real servers: many
databases, servers of their own, failures, a server stopped mid-run, canaries, limits,
timeouts, Ctrl-C, and two runs at once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

import pgshift.fleet
from pgshift.fleet import FleetEvent, Target
from tests.conftest import cli_env, default_sigint, query, run_cli, write_migrations

FILES = {
    "0001_accounts.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n",
    "0002_runs.sql": "CREATE TABLE runs (n int);\nINSERT INTO runs VALUES (2);\n",
    "0003_note.sql": "ALTER TABLE accounts ADD COLUMN note text;\n",
}


def history(url: str, schema: str = "pgshift") -> list[str]:
    rows = query(url, f"SELECT version FROM {schema}.history ORDER BY id")
    return [str(r[0]) for r in rows]


def has_history(url: str, schema: str = "pgshift") -> bool:
    rows = query(url, "SELECT to_regclass(%s) IS NOT NULL", (f"{schema}.history",))
    return bool(rows[0][0])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_migrations(tmp_path / "migrations", FILES)
    return tmp_path


def test_fifty_databases_and_two_more_servers(many_dbs, own_servers, project: Path) -> None:
    local = many_dbs(50)
    others = [own_servers(), own_servers()]
    remote = [url for server in others for url in server.databases(3)]
    events: list[FleetEvent] = []
    threads: set[str] = set()

    def seen(event: FleetEvent) -> None:
        events.append(event)
        threads.add(threading.current_thread().name)

    result = pgshift.fleet.migrate(
        [*local, *remote], directory=project / "migrations", parallel=6, on_event=seen
    )
    assert result.ok, [r.message for r in result.results if not r.ok]
    assert [r.target.url for r in result.results] == [*local, *remote]  # the order given
    assert result.counts == {"migrated": 56}
    for url in [*local, *remote]:
        assert history(url) == ["1", "2", "3"]
        assert query(url, "SELECT n FROM runs") == [(2,)]
    # the events reach the caller in its own thread, a start and a done per target
    assert threads == {threading.current_thread().name}
    assert sum(e.kind == "start" for e in events) == 56
    assert sum(e.kind == "done" for e in events) == 56
    # the pool spreads over the servers: the three servers' targets are all among the
    # first nine started (round robin), not the last
    first = [e.target.url for e in events if e.kind == "start"][:9]
    assert sum(url in remote for url in first) == 6

    again = pgshift.fleet.migrate([*local, *remote], directory=project / "migrations")
    assert again.counts == {"up to date": 56}
    assert all(r.applied == () for r in again.results)
    assert all(history(url) == ["1", "2", "3"] for url in remote)


def test_a_failing_target_others_finish_and_the_rerun_does_only_it(many_dbs, project: Path) -> None:
    urls = many_dbs(6)
    bad = urls[3]
    query(bad, "CREATE TABLE runs (conflicting text)")
    targets = [a for url in urls for a in ("--target", url)]
    run = run_cli(
        "fleet", "migrate", "--json", "--parallel", "3", *targets, cwd=project, env=cli_env()
    )
    assert run.returncode == 2, run.stderr
    report = json.loads(run.stdout)
    states = {t["target"]: t["state"] for t in report["targets"]}
    assert sorted(states.values()) == ["failed"] + ["migrated"] * 5
    failed = next(t for t in report["targets"] if t["state"] == "failed")
    assert failed["target"].endswith(bad.rsplit("/", 1)[1])
    assert "0002_runs.sql:1" in failed["message"]  # where, as file:line
    assert "already exists" in failed["message"]
    assert failed["applied"] == ["0001_accounts.sql"]  # applied before it failed: kept
    assert history(bad) == ["1"]  # the first applied; the failed one rolled back whole
    assert query(bad, "SELECT count(*) FROM runs") == [(0,)]

    query(bad, "DROP TABLE runs")
    rerun = run_cli("fleet", "migrate", "--json", *targets, cwd=project, env=cli_env())
    assert rerun.returncode == 0, rerun.stderr
    after = json.loads(rerun.stdout)
    migrated = [t for t in after["targets"] if t["state"] == "migrated"]
    assert len(migrated) == 1
    assert migrated[0]["target"] == failed["target"]
    assert migrated[0]["applied"] == ["0002_runs.sql", "0003_note.sql"]
    assert after["counts"] == {"up to date": 5, "migrated": 1}
    assert all(history(url) == ["1", "2", "3"] for url in urls)


def test_a_server_stopped_mid_run_is_unreachable_and_finished_on_rerun(
    own_servers, tmp_path: Path
) -> None:
    write_migrations(
        tmp_path / "migrations",
        {**FILES, "0004_slow.sql": "SELECT pg_sleep(0.4);\nCREATE TABLE slow (id int);\n"},
    )
    server = own_servers()
    urls = server.databases(8)
    done: list[str] = []

    def stop_after_two(event: FleetEvent) -> None:
        if event.kind == "done":
            done.append(event.result.state)
            if len(done) == 2:
                server.stop()  # the others are running or waiting

    result = pgshift.fleet.migrate(
        urls, directory=tmp_path / "migrations", parallel=2, on_event=stop_after_two
    )
    counts = result.counts
    assert counts.get("migrated", 0) >= 2
    assert counts.get("unreachable", 0) >= 4, [(r.state, r.message) for r in result.results]
    assert set(counts) <= {"migrated", "unreachable"}, counts  # lost, not "failed"
    assert not result.ok
    server.start()
    for r in result.results:  # nothing half-applied where the server went away
        versions = history(r.target.url) if has_history(r.target.url) else []
        assert versions in ([], ["1"], ["1", "2"], ["1", "2", "3"], ["1", "2", "3", "4"])
        if r.state == "migrated":
            assert versions == ["1", "2", "3", "4"]
    rerun = pgshift.fleet.migrate(urls, directory=tmp_path / "migrations")
    assert rerun.ok
    assert {r.target.url for r in rerun.having("migrated")} == {
        r.target.url for r in result.having("unreachable")
    }
    assert all(history(url) == ["1", "2", "3", "4"] for url in urls)


def test_a_failed_canary_stops_the_rest(many_dbs, project: Path) -> None:
    urls = many_dbs(10)
    query(urls[1], "CREATE TABLE runs (conflicting text)")
    result = pgshift.fleet.migrate(urls, directory=project / "migrations", canary=2, parallel=4)
    assert result.stopped is not None
    assert "canary" in result.stopped
    states = [r.state for r in result.results]
    assert states[:2] == ["migrated", "failed"]
    assert states[2:] == ["skipped"] * 8
    assert all(r.canary for r in result.results[:2])
    assert all("canary" in (r.message or "") for r in result.results[2:])
    assert not any(has_history(url) for url in urls[2:])  # never touched


def test_canaries_that_pass_let_the_rest_run(many_dbs, project: Path) -> None:
    urls = many_dbs(6)
    order: list[str] = []
    result = pgshift.fleet.migrate(
        urls,
        directory=project / "migrations",
        canary=2,
        parallel=4,
        on_event=lambda e: order.append(e.kind + " " + e.target.url) if e.target else None,
    )
    assert result.ok
    # the rest start only once both canaries are done
    first_rest = min(order.index(f"start {url}") for url in urls[2:])
    assert order.index(f"done {urls[0]}") < first_rest
    assert order.index(f"done {urls[1]}") < first_rest


def test_max_failures_stops_new_targets(many_dbs, project: Path) -> None:
    urls = many_dbs(6)
    for url in urls[:3]:
        query(url, "CREATE TABLE runs (conflicting text)")
    result = pgshift.fleet.migrate(
        urls, directory=project / "migrations", parallel=1, max_failures=2
    )
    assert [r.state for r in result.results] == ["failed", "failed"] + ["skipped"] * 4
    assert "max-failures" in (result.stopped or "")


def test_a_target_over_its_timeout_is_cancelled_and_rolled_back(many_dbs, tmp_path: Path) -> None:
    write_migrations(
        tmp_path / "migrations",
        {
            "0001_quick.sql": "CREATE TABLE quick (id int);\n",
            "0002_slow.sql": "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n",
        },
    )
    urls = many_dbs(2)
    started = time.monotonic()
    result = pgshift.fleet.migrate(urls, directory=tmp_path / "migrations", target_timeout=1.0)
    assert time.monotonic() - started < 20
    assert [r.state for r in result.results] == ["timed out", "timed out"]
    assert "timed out after 1 s, while 0002_slow.sql ran" in (result.results[0].message or "")
    assert result.results[0].applied == ("0001_quick.sql",)
    for url in urls:
        assert history(url) == ["1"]
        assert query(url, "SELECT to_regclass('slow')") == [(None,)]  # rolled back
    # no session of the run is left running on the server
    sessions = query(
        urls[0],
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()",
    )
    assert sessions == [(0,)]


def _fleet_cli(urls: list[str], project: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pgshift",
            "fleet",
            "migrate",
            "--json",
            *extra,
            *(a for url in urls for a in ("--target", url)),
        ],
        cwd=project,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )


def _wait_for_history(url: str, versions: list[str], limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if has_history(url) and history(url) == versions:
            return
        time.sleep(0.05)
    raise AssertionError(f"{url} never reached {versions}")


SLOW = {
    "0001_first.sql": "CREATE TABLE first (id int);\n",
    "0002_slow.sql": "SELECT pg_sleep(1.5);\nCREATE TABLE slow (id int);\n",
}


def test_ctrl_c_starts_no_new_target_and_lets_the_running_finish(many_dbs, tmp_path: Path) -> None:
    write_migrations(tmp_path / "migrations", SLOW)
    urls = many_dbs(6)
    process = _fleet_cli(urls, tmp_path, "--parallel", "2")
    _wait_for_history(urls[0], ["1"])
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "will not start" in err
    assert "running will finish" in err
    report = json.loads(out)
    states = [t["state"] for t in report["targets"]]
    assert states[:2] == ["migrated", "migrated"], err
    assert states[2:] == ["skipped"] * 4
    assert report["interrupted"] is True
    assert all(history(url) == ["1", "2"] for url in urls[:2])
    assert not any(has_history(url) for url in urls[2:])


def test_a_second_ctrl_c_cancels_the_running_cleanly(many_dbs, tmp_path: Path) -> None:
    write_migrations(tmp_path / "migrations", SLOW)
    urls = many_dbs(4)
    process = _fleet_cli(urls, tmp_path, "--parallel", "2")
    _wait_for_history(urls[0], ["1"])
    process.send_signal(signal.SIGINT)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "cancelling 2 running targets" in err
    report = json.loads(out)
    assert [t["state"] for t in report["targets"]] == ["cancelled"] * 2 + ["skipped"] * 2
    assert "while 0002_slow.sql ran: cancelled and rolled back" in report["targets"][0]["message"]
    assert report["targets"][0]["applied"] == ["0001_first.sql"]  # before: stays applied
    for url in urls[:2]:
        assert history(url) == ["1"]  # the slow one rolled back
        assert query(url, "SELECT to_regclass('slow')") == [(None,)]


def test_two_fleet_runs_at_once_apply_each_migration_exactly_once(many_dbs, tmp_path: Path) -> None:
    write_migrations(
        tmp_path / "migrations",
        {
            "0001_counter.sql": "CREATE TABLE counter (n int);\n",
            "0002_count.sql": "INSERT INTO counter VALUES (1);\n",
            "0003_count.sql": "INSERT INTO counter VALUES (1);\n",
        },
    )
    urls = many_dbs(20)
    first = _fleet_cli(urls, tmp_path, "--parallel", "4")
    second = _fleet_cli(list(reversed(urls)), tmp_path, "--parallel", "4")
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0, outs[0][1]
    assert second.returncode == 0, outs[1][1]
    reports = [json.loads(o[0]) for o in outs]
    for url in urls:
        assert query(url, "SELECT sum(n) FROM counter") == [(2,)]
        assert history(url) == ["1", "2", "3"]
    # every migration was applied by one of the two runs, none by both
    applied: dict[str, list[str]] = {}
    for report in reports:
        for t in report["targets"]:
            applied.setdefault(t["target"], []).extend(t["applied"])
    assert all(
        sorted(v) == ["0001_counter.sql", "0002_count.sql", "0003_count.sql"]
        for v in applied.values()
    )


def test_schema_per_tenant_from_the_config(db_url: str, tmp_path: Path) -> None:
    tenants = [f"tenant_{i:02d}" for i in range(20)]
    with psycopg.connect(db_url, autocommit=True) as conn:
        for name in tenants:
            conn.execute(f"CREATE SCHEMA {name}")
        conn.execute("CREATE SCHEMA other")
    write_migrations(tmp_path / "migrations", FILES)
    (tmp_path / "pgshift.toml").write_text(
        '[fleet]\nschemas_query = "SELECT nspname FROM pg_namespace '
        "WHERE nspname LIKE 'tenant\\\\_%' ORDER BY 1\"\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pgshift", "fleet", "migrate", "--json"],
        cwd=tmp_path,
        env=cli_env(db_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert [t["schema"] for t in report["targets"]] == tenants
    for name in tenants:
        # each tenant's tables in its schema, and its own history beside them
        assert history(db_url, name) == ["1", "2", "3"]
        assert query(db_url, f"SELECT n FROM {name}.runs") == [(2,)]
    assert query(
        db_url, "SELECT to_regclass('public.accounts'), to_regclass('pgshift.history')"
    ) == [(None, None)]
    assert query(db_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'other'") == [(0,)]
    status = subprocess.run(
        [sys.executable, "-m", "pgshift", "fleet", "status", "--json"],
        cwd=tmp_path,
        env=cli_env(db_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["counts"] == {"up to date": 20}


def test_the_library_takes_targets_with_schemas(db_url: str, project: Path) -> None:
    query(db_url, "CREATE SCHEMA acme; CREATE SCHEMA globex")
    result = pgshift.fleet.migrate(
        [Target(db_url, "acme"), Target(db_url, "globex")], directory=project / "migrations"
    )
    assert result.ok
    assert history(db_url, "acme") == history(db_url, "globex") == ["1", "2", "3"]


def test_each_target_keeps_its_own_backups(many_dbs, tmp_path: Path) -> None:
    write_migrations(
        tmp_path / "migrations",
        {
            "0001_a.sql": "CREATE TABLE a (id int, old text);\nINSERT INTO a VALUES (1, 'x');\n",
            "0002_drop.sql": "-- pgshift:allow drop-column\nALTER TABLE a DROP COLUMN old;\n",
        },
    )
    (tmp_path / "pgshift.toml").write_text("backup_keep = 1\n")
    urls = many_dbs(3)
    assert pgshift.fleet.migrate(urls, directory=tmp_path / "migrations", to="1").ok
    result = pgshift.fleet.migrate(urls, directory=tmp_path / "migrations")
    assert result.ok, [r.message for r in result.results]
    assert all(any(n.startswith("backup of") for n in r.notes) for r in result.results)
    folders = sorted((tmp_path / ".pgshift" / "backups" / "fleet").iterdir())
    assert len(folders) == 3  # one per target, none pruned by another's
    for folder in folders:
        backups = [b for b in folder.iterdir() if (b / "manifest.json").is_file()]
        assert len(backups) == 1, list(folder.iterdir())
    names = {f.name.rsplit("-", 1)[0] for f in folders}
    assert names == {f"127.0.0.1_5432_{url.rsplit('/', 1)[1]}" for url in urls}


def test_a_partial_target_is_resumed_by_the_rerun(many_dbs, tmp_path: Path) -> None:
    write_migrations(
        tmp_path / "migrations",
        {
            "0001_a.sql": "CREATE TABLE a (id int);\n",
            "0002_b.sql": "-- pgshift:no-transaction\nCREATE TABLE b (id int);\n"
            "CREATE TABLE b_again (id int);\n",
        },
    )
    urls = many_dbs(3)
    query(urls[1], "CREATE TABLE b_again (taken text)")
    first = pgshift.fleet.migrate(urls, directory=tmp_path / "migrations")
    assert [r.state for r in first.results] == ["migrated", "failed", "migrated"]
    assert "0002_b.sql:3" in (first.results[1].message or "")
    assert query(urls[1], "SELECT to_regclass('b') IS NOT NULL") == [(True,)]  # statement 1 ran
    assert pgshift.fleet.status(urls, directory=tmp_path / "migrations").targets[1].state == (
        "partial"
    )
    query(urls[1], "DROP TABLE b_again")
    again = pgshift.fleet.migrate(urls, directory=tmp_path / "migrations")
    assert [r.state for r in again.results] == ["up to date", "migrated", "up to date"]
    assert again.results[1].applied == ("0002_b.sql",)
    assert history(urls[1]) == ["1", "2"]  # resumed after statement 1, not re-run


def test_a_no_transaction_migration_timed_out_is_left_to_resume(many_dbs, tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "0001_slow.sql": "-- pgshift:no-transaction\nCREATE TABLE first (id int);\n"
            "SELECT pg_sleep(30);\nCREATE TABLE second (id int);\n",
        },
    )
    urls = many_dbs(1)
    result = pgshift.fleet.migrate(urls, directory=folder, target_timeout=1.0)
    message = result.results[0].message or ""
    assert result.results[0].state == "timed out"
    assert "while 0001_slow.sql ran: cancelled; a no-transaction migration" in message
    assert query(urls[0], "SELECT to_regclass('first') IS NOT NULL") == [(True,)]
    assert pgshift.fleet.status(urls, directory=folder).targets[0].state == "partial"
