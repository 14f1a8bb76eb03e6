"""Exactly once under load, and a run killed anywhere finished by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pgshift.migrations.runner import CRASH_AFTER_ENV
from tests.conftest import OWN_ADVISORY_LOCKS, cli_env, default_sigint, query, write_migrations

NO_TX_VERSION = 25

# This test's database only: the others on the server (pytest -n) sleep too, and
# before PostgreSQL 14 a killed runner's statement runs on after it until ended.
_SLEEPING = (
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(60)%'"
)


def _load_project(folder: Path, count: int, no_tx_at: int) -> Path:
    """``count`` migrations writing to an audit table; ``no_tx_at`` builds indexes concurrently."""
    files: dict[str, str] = {
        "0001_audit.sql": (
            "CREATE TABLE audit (version int NOT NULL, at timestamptz DEFAULT clock_timestamp());\n"
            "CREATE TABLE t1 (id bigint PRIMARY KEY, x int);\n"
            "INSERT INTO audit (version) VALUES (1);\n"
        )
    }
    for v in range(2, count + 1):
        if v == no_tx_at:
            files[f"{v:04d}_concurrent.sql"] = (
                "-- pgshift:no-transaction\n"
                f"CREATE TABLE t{v} (id bigint PRIMARY KEY, x int);\n"
                f"CREATE INDEX CONCURRENTLY t{v}_x_idx ON t{v} (x);\n"
                f"INSERT INTO audit (version) VALUES ({v});\n"
                f"CREATE INDEX CONCURRENTLY t1_x_idx ON t1 (x);\n"
            )
        else:
            files[f"{v:04d}_step.sql"] = (
                f"CREATE TABLE t{v} (id bigint PRIMARY KEY, x int);\n"
                f"ALTER TABLE t{v} ADD COLUMN note text;\n"
                f"INSERT INTO audit (version) VALUES ({v});\n"
            )
    return write_migrations(folder / "migrations", files)


_WAIT_THEN_MIGRATE = """
import os, sys, time
from pgshift.cli import main
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.005)
sys.argv = ["pgshift", "migrate", "-q", "--dir", sys.argv[2], "--lock-wait", "300"]
main()
"""


@pytest.mark.slow
def test_32_processes_apply_each_migration_exactly_once(db_url: str, tmp_path: Path) -> None:
    migrations = _load_project(tmp_path, 50, NO_TX_VERSION)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WAIT_THEN_MIGRATE, str(go), str(migrations)],
            env=cli_env(db_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(32)
    ]
    time.sleep(2.0)  # let every process finish importing, so they start together
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [0] * 32, [o[1] for o, c in zip(outputs, codes, strict=True) if c][:3]
    assert not any("deadlock" in out + err for out, err in outputs)
    counts = dict(query(db_url, "SELECT version, count(*) FROM audit GROUP BY version"))
    assert counts == {v: 1 for v in range(1, 51)}
    rows = query(db_url, "SELECT version, count(*) FROM pgshift.history GROUP BY version")
    assert {str(v): 1 for v in range(1, 51)} == dict(rows)
    invalid = query(db_url, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")
    assert invalid == [(0,)]
    applied = sum("migrations applied" in out for out, _ in outputs)
    assert applied == 1  # the other 31 found nothing to do
    assert query(db_url, "SELECT count(*) FROM pgshift.journal") == [(0,)]


def _invariants(url: str, count: int, no_tx: int) -> set[int]:
    """No half-applied transactional migration: table t<v> exists iff v is in history."""
    done: set[int] = set()
    if query(url, "SELECT to_regclass('pgshift.history') IS NOT NULL") == [(True,)]:
        done = {int(str(r[0])) for r in query(url, "SELECT version FROM pgshift.history")}
    existing = {
        int(str(r[0])[1:])
        for r in query(url, "SELECT tablename FROM pg_tables WHERE tablename ~ '^t[0-9]+$'")
    }
    for v in range(1, count + 1):
        if v == no_tx:
            continue
        assert (v in existing) == (v in done), f"migration {v}: half applied"
    if query(url, "SELECT to_regclass('public.audit') IS NOT NULL") == [(True,)]:
        for version, n in query(url, "SELECT version, count(*) FROM audit GROUP BY version"):
            assert n == 1, f"audit row of {version} written {n} times"
    return done


_MIGRATE = "from pgshift.cli import main; main()"


@pytest.mark.slow
def test_killed_after_any_statement_the_next_run_finishes(
    new_db: Callable[[], str], tmp_path: Path
) -> None:
    count, no_tx = 20, 10
    migrations = _load_project(tmp_path, count, no_tx)
    crash_at = 1
    kills = 0
    while True:
        url = new_db()
        killed = subprocess.run(
            [sys.executable, "-c", _MIGRATE, "migrate", "-q", "--dir", str(migrations)],
            env=cli_env(url, **{CRASH_AFTER_ENV: str(crash_at)}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if killed.returncode == 0:
            break  # the run sends fewer statements than crash_at: every point was covered
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        kills += 1
        _invariants(url, count, no_tx)
        finish = subprocess.run(
            [sys.executable, "-c", _MIGRATE, "migrate", "-q", "--dir", str(migrations)],
            env=cli_env(url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert finish.returncode == 0, f"after a kill at statement {crash_at}: {finish.stderr}"
        done = _invariants(url, count, no_tx)
        assert done == set(range(1, count + 1))
        audit = dict(query(url, "SELECT version, count(*) FROM audit GROUP BY version"))
        assert audit == {v: 1 for v in range(1, count + 1)}
        assert query(url, "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == [(0,)]
        assert query(url, "SELECT count(*) FROM pgshift.journal") == [(0,)]
        crash_at += 1
    assert kills >= 3 * count  # every migration's statements and its history row were hit


def test_resumes_a_no_transaction_migration_after_the_last_completed_statement(
    db_url: str, tmp_path: Path
) -> None:
    from pgshift import MigrationError, migrate

    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_data.sql": "CREATE TABLE u (id int, email text);\n"
            "INSERT INTO u VALUES (1, 'a'), (2, 'a');\n",
            "0002_unique.sql": "-- pgshift:no-transaction\n"
            "INSERT INTO u VALUES (3, 'b');\n"
            "CREATE UNIQUE INDEX CONCURRENTLY u_email_key ON u (email);\n"
            "INSERT INTO u VALUES (4, 'c');\n",
        },
    )
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    assert "0002_unique.sql:3" in failure.value.message
    assert "statement 2 of 3" in failure.value.message
    assert "INVALID index u_email_key" in failure.value.hint
    # nothing half-built is left: the INVALID index is gone, statement 1 stays journaled
    assert query(db_url, "SELECT count(*) FROM pg_class WHERE relname = 'u_email_key'") == [(0,)]
    assert query(db_url, "SELECT statement FROM pgshift.journal") == [(1,)]
    query(db_url, "DELETE FROM u WHERE id = 2")
    result = migrate(db_url, directory=folder)
    assert [r.migration.version for r in result.applied] == ["2"]
    assert result.applied[0].resumed_at == 1
    assert query(db_url, "SELECT id FROM u ORDER BY id") == [(1,), (3,), (4,)]  # 3 inserted once
    assert query(
        db_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_email_key'::regclass"
    ) == [(True,)]


def test_refuses_to_resume_when_the_partly_applied_file_changed(
    db_url: str, tmp_path: Path
) -> None:
    from pgshift import HistoryError, MigrationError, migrate, repair

    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_nt.sql": "-- pgshift:no-transaction\n"
            "CREATE TABLE a (id int);\n"
            "CREATE TABLE a (id int);\n",
        },
    )
    with pytest.raises(MigrationError):
        migrate(db_url, directory=folder)
    (folder / "0001_nt.sql").write_text(
        "-- pgshift:no-transaction\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
    )
    with pytest.raises(HistoryError, match="changed after it was partly applied"):
        migrate(db_url, directory=folder)
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]
    # finished by hand, then recorded: repair marks it applied and nothing re-runs
    query(db_url, "CREATE TABLE b (id int)")
    repaired = repair(db_url, directory=folder)
    assert repaired.accepted == ("1 nt",)
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]
    assert query(db_url, "SELECT count(*) FROM pgshift.journal") == [(0,)]
    assert migrate(db_url, directory=folder).applied == ()


def test_third_statement_failing_leaves_no_trace(db_url: str, tmp_path: Path) -> None:
    from pgshift import MigrationError, migrate

    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_ok.sql": "CREATE TABLE keep (id int);\n",
            "0002_bad.sql": "CREATE TABLE one (id int);\n"
            "INSERT INTO keep VALUES (1);\n"
            "\n"
            "INSERT INTO missing_table VALUES (1);\n",
        },
    )
    with pytest.raises(MigrationError) as failure:
        migrate(db_url, directory=folder)
    error = failure.value
    assert error.path is not None
    assert error.path.name == "0002_bad.sql"
    assert error.line == 4
    assert error.sqlstate == "42P01"
    assert "0002_bad.sql:4" in error.message
    assert "earlier migration" in error.hint
    assert query(db_url, "SELECT to_regclass('public.one')") == [(None,)]
    assert query(db_url, "SELECT count(*) FROM keep") == [(0,)]
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]


def test_a_waiting_runner_names_the_lock_holder_and_gives_up(db_url: str, tmp_path: Path) -> None:
    import psycopg

    from pgshift import LockTimeout, migrate
    from pgshift.config import load_settings
    from pgshift.migrations.locking import lock_key

    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);"})
    events: list[str] = []
    with psycopg.connect(db_url, autocommit=True, application_name="blocker-app") as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("pgshift"),))
        pid = holder.info.backend_pid
        settings = load_settings(
            {"database_url": db_url, "migrations": str(folder), "lock_wait": "1s"}, env={}
        )
        started = time.monotonic()
        with pytest.raises(LockTimeout) as timeout:
            migrate(settings=settings, on_event=lambda e: events.append(e.message))
        assert 1.0 <= time.monotonic() - started < 10
    assert f"pid {pid}" in timeout.value.message
    assert "blocker-app" in timeout.value.message
    assert any("blocker-app" in e for e in events)
    assert query(db_url, "SELECT to_regclass('public.a')") == [(None,)]


def test_a_killed_runner_frees_its_lock_and_rolls_back(db_url: str, tmp_path: Path) -> None:
    from pgshift import migrate
    from pgshift.config import load_settings

    slow_dir = write_migrations(
        tmp_path / "slow", {"0001_slow.sql": "CREATE TABLE a (id int);\nSELECT pg_sleep(60);\n"}
    )
    slow = subprocess.Popen(
        [sys.executable, "-c", _MIGRATE, "migrate", "--dir", str(slow_dir)],
        env=cli_env(db_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sleeping = query(db_url, _SLEEPING)
        if sleeping[0][0]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the slow migration never started")
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait()
    started = time.monotonic()
    fast_dir = write_migrations(tmp_path / "fast", {"0001_slow.sql": "CREATE TABLE a (id int);\n"})
    settings = load_settings(
        {"database_url": db_url, "migrations": str(fast_dir), "lock_wait": "30s"}, env={}
    )
    result = migrate(settings=settings)
    assert [r.migration.version for r in result.applied] == ["1"]
    # the dead client's sessions (lock and half-done transaction) were gone within seconds,
    # not after the 60 s statement
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_cancels_the_running_statement_and_releases_the_lock(
    db_url: str, tmp_path: Path, sig: int, code: int
) -> None:
    folder = write_migrations(
        tmp_path / "m",
        {
            "0001_fast.sql": "CREATE TABLE fast (id int);\n",
            "0002_slow.sql": "CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n",
        },
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", _MIGRATE, "migrate", "--dir", str(folder)],
        env=cli_env(db_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    deadline = time.monotonic() + 30
    while not query(db_url, _SLEEPING)[0][0]:
        assert time.monotonic() < deadline, "the slow migration never started"
        time.sleep(0.05)
    started = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    assert time.monotonic() - started < 5
    assert "cancelled and rolled back" in err
    assert "Traceback" not in err
    sleeping = query(db_url, _SLEEPING)
    assert sleeping == [(0,)]
    assert query(db_url, "SELECT version FROM pgshift.history") == [("1",)]
    assert query(db_url, "SELECT to_regclass('public.slow')") == [(None,)]
    locks = query(db_url, OWN_ADVISORY_LOCKS)
    assert locks == [(0,)]
