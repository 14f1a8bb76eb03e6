"""Replicas within a bound, on a real streaming standby (``pg_basebackup`` of a fresh
primary, see :mod:`tests.replica`): the lag read, the waits, the stall report, and
``migrate --wait-replicas``.

Replay is held still with ``pg_wal_replay_pause()`` on the standby, which is how a
replica that falls behind is made here: no test depends on how fast anything runs.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

import pgshift
from pgshift.config import load_settings
from pgshift.db.replicas import ReplicaLag, ReplicaWatch
from pgshift.errors import ConfigError, ConnectError, PgshiftError
from pgshift.events import Event
from tests.conftest import cli_env, query, write_migrations
from tests.replica import Pair, caught_up, replica_pair

# a generous bound for anything that must end: a hang fails the test instead of the run
ENDS_WITHIN = 90.0


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with replica_pair() as made:
        yield made


@pytest.fixture
def database(pair: Pair) -> Iterator[str]:
    """A fresh database on the primary (replicated to the standby); its name."""
    name = f"replica_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pair.primary_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    caught_up(pair)
    try:
        yield name
    finally:
        resume(pair)
        with psycopg.connect(pair.primary_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))  # fmt: skip


def pause(pair: Pair) -> None:
    query(pair.standby_url, "SELECT pg_wal_replay_pause()")


def resume(pair: Pair) -> None:
    query(pair.standby_url, "SELECT pg_wal_replay_resume()")


def write_wal(url: str) -> None:
    """A few MB of WAL on the primary."""
    query(url, "CREATE TABLE IF NOT EXISTS filler (n int); "
               "INSERT INTO filler SELECT generate_series(1, 50000)")  # fmt: skip


def in_thread(target: object) -> tuple[threading.Thread, list[object]]:
    """Run ``target()`` in a thread; its result or exception lands in the list."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(target())  # type: ignore[operator]
        except BaseException as exc:  # handed to the test
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def test_a_caught_up_standby_reads_lag_zero_and_the_primary_stays_idle(
    pair: Pair, database: str
) -> None:
    write_wal(pair.primary_db(database))
    caught_up(pair)
    with psycopg.connect(pair.primary_db(database), autocommit=True) as conn:
        with ReplicaWatch(conn, [pair.standby_url], max_lag=1.0) as watch:
            assert watch.wait_below() < ENDS_WITHIN
            lags = watch.check()
            # the primary writes a little of its own now and then (a standby snapshot):
            # read until both views have replayed all of it
            deadline = time.monotonic() + ENDS_WITHIN
            while any(lag.behind for lag in lags) and time.monotonic() < deadline:
                assert all(lag.lag < 1.0 for lag in lags), lags
                time.sleep(0.1)
                lags = watch.check()
        names = {lag.name for lag in lags}
        # the standby as the primary lists it, and as its URL reads it
        assert any(name.startswith("walreceiver@127.0.0.1") for name in names), names
        assert f"postgres@127.0.0.1:{pair.standby.port()}/postgres" in names
        assert [(lag.behind, lag.lag, lag.stalled) for lag in lags] == [(0, 0.0, False)] * 2
        # the connection read from is idle again, holding no snapshot
        state = query(
            pair.primary_url,
            "SELECT state, backend_xmin FROM pg_stat_activity WHERE pid = %s",
            (conn.info.backend_pid,),
        )
        assert state == [("idle", None)]


def test_a_paused_standby_is_waited_on_then_reported_as_stalled(pair: Pair, database: str) -> None:
    url = pair.primary_db(database)
    events: list[Event] = []
    with psycopg.connect(url, autocommit=True) as conn:
        watch = ReplicaWatch(conn, max_lag=0.3, stall_timeout=5.0, on_event=events.append)
        watch.check()
        pause(pair)
        write_wal(url)
        # a sample of the primary's position the standby has not replayed, 1.5 s old: a
        # lag is known from the samples the watch takes (each check, and each poll), as of
        # the standby's last report (every second here)
        watch.check()
        time.sleep(1.5)
        started = time.monotonic()
        thread, out = in_thread(watch.wait_below)
        thread.join(ENDS_WITHIN)
        assert not thread.is_alive(), "wait_below waited for ever on a stalled replica"
        assert not isinstance(out[0], BaseException), out[0]
        # it did wait (the stall is told after 5 s), and let go once it was told
        assert time.monotonic() - started >= 1.0
        waits = [e.message for e in events if e.kind == "wait"]
        assert waits, events
        assert waits[0].startswith("waiting for replica walreceiver@127.0.0.1"), waits
        # its lag over the bound, or the WAL it has to replay and does not
        assert "> 0.3 s" in waits[0] or "replaying nothing lately" in waits[0], waits
        stalled = [e.message for e in events if e.kind == "note"]
        assert len(stalled) == 1, stalled
        assert "has replayed nothing for 5 s" in stalled[0]
        assert "no longer waits for it" in stalled[0]
        assert watch.notes == stalled
        lags = watch.check()
        assert [lag.stalled for lag in lags] == [True]
        assert lags[0].behind > 0
        assert lags[0].lag > 0.3  # still growing while replay is paused
        # a second wait does not wait on it again
        assert watch.wait_below() < 1.0


def test_wait_replayed_names_a_replica_that_does_not_replay_in_time(
    pair: Pair, database: str
) -> None:
    url = pair.primary_db(database)
    with (
        psycopg.connect(url, autocommit=True) as conn,
        ReplicaWatch(conn, [pair.standby_url]) as watch,
    ):
        pause(pair)
        write_wal(url)
        with pytest.raises(PgshiftError) as caught:
            watch.wait_replayed(timeout=1.5)
        assert f"postgres@127.0.0.1:{pair.standby.port()}/postgres" in caught.value.message
        assert "did not replay the migrations within 1.5 s" in caught.value.message
        assert "pg_is_wal_replay_paused" in caught.value.hint
        # resumed, the same wait ends once it has replayed
        resume(pair)
        assert watch.wait_replayed(timeout=ENDS_WITHIN) < ENDS_WITHIN
        assert all(lag.behind == 0 or lag.lag == 0.0 for lag in watch.check())


def test_migrate_wait_replicas_returns_only_once_the_standby_has_the_column(
    pair: Pair, database: str, tmp_path: Path
) -> None:
    url = pair.primary_db(database)
    folder = write_migrations(
        tmp_path / "migrations", {"0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"}
    )
    assert pgshift.migrate(url, directory=folder).applied
    caught_up(pair)
    (folder / "0002_email.sql").write_text("ALTER TABLE users ADD COLUMN email text;\n")
    column = "SELECT count(*) FROM information_schema.columns WHERE column_name = 'email'"
    pause(pair)
    command = [sys.executable, "-m", "pgshift", "migrate", "--dir", str(folder), "--wait-replicas"]
    process = subprocess.Popen(
        [*command, "--replica-timeout", "300"],
        env=cli_env(url, NO_COLOR="1"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + ENDS_WITHIN
        while query(url, column) != [(1,)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert query(url, column) == [(1,)]  # applied on the primary
        time.sleep(1.5)
        assert process.poll() is None, process.communicate()  # and still waiting
        assert query(pair.standby_db(database), column) == [(0,)]
        resume(pair)
        stdout, stderr = process.communicate(timeout=ENDS_WITHIN)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    # the moment it returned, a reader of the standby sees the new column
    assert query(pair.standby_db(database), column) == [(1,)]
    assert "waiting for replica walreceiver@127.0.0.1" in stderr
    assert "to replay the migrations" in stderr
    assert "every replica has replayed the migrations" in stderr
    assert "1 migration applied" in stdout
    # with nothing left to do it still waits (and here returns at once)
    again = subprocess.run(
        command, env=cli_env(url), cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert "every replica has replayed the migrations" in again.stderr


def test_a_backfill_waits_between_batches_while_the_standby_lags(
    pair: Pair, database: str, tmp_path: Path
) -> None:
    url = pair.primary_db(database)
    query(url, "CREATE TABLE items (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0); "
               "INSERT INTO items (id) SELECT generate_series(1, 20000)")  # fmt: skip
    caught_up(pair)
    body = (
        "from pgshift import backfill\n\ntransaction = False\n\n\n"
        "def up(conn):\n    backfill(conn, 'items', 'n = 1', batch=1000, pause=0.1)\n"
    )
    folder = write_migrations(tmp_path / "migrations", {"0000_start.sql": "SELECT 1;\n"})
    pgshift.migrate(url, directory=folder)  # pgshift's own tables are made before the pause
    (folder / "0001_fill.py").write_text(body)
    caught_up(pair)
    events: list[Event] = []
    batches_before_wait: list[int] = []

    def on_event(event: Event) -> None:
        events.append(event)
        if event.kind == "start":  # the standby stops replaying as the backfill starts
            pause(pair)
        if event.kind == "wait" and "start" in [e.kind for e in events] and not batches_before_wait:
            # the standby is let go once pgshift waits for it
            done = query(url, "SELECT count(*) FROM items WHERE n = 1")
            batches_before_wait.append(int(done[0][0]))  # type: ignore[call-overload]
            resume(pair)

    settings = load_settings(
        {
            "database_url": url,
            "migrations": str(folder),
            "max_replica_lag": "0.2s",
            "replica_timeout": "120s",
        },
        env={},
        cwd=tmp_path,
    )
    thread, out = in_thread(lambda: pgshift.migrate(settings=settings, on_event=on_event))
    thread.join(ENDS_WITHIN)
    assert not thread.is_alive()
    assert not isinstance(out[0], BaseException), out[0]
    assert query(url, "SELECT n, count(*) FROM items GROUP BY n") == [(1, 20000)]
    kinds = [e.kind for e in events]
    start = kinds.index("start")
    waits = [i for i, e in enumerate(events) if e.kind == "wait" and i > start]
    assert waits, kinds
    # it waited inside the migration, between two batches (the lag since the pause may
    # already be over the bound before the first), before the last one
    assert waits[0] < kinds.index("done")
    assert batches_before_wait[0] < 20000
    assert batches_before_wait[0] % 1000 == 0
    assert "waiting for replica walreceiver@127.0.0.1" in events[waits[0]].message
    notes = [e.message for e in events if e.kind == "note"]
    assert not [n for n in notes if "replayed nothing" in n]  # it caught up: not stalled
    assert any(n.startswith("waited ") and "within 0.2 s" in n for n in notes), notes
    assert any(n.startswith("waited ") for n in out[0].notes)  # type: ignore[attr-defined]


def test_a_role_without_pg_monitor_is_told_to_get_it(pair: Pair, database: str) -> None:
    role = f"plain_{uuid.uuid4().hex[:8]}"
    query(pair.primary_url, f"CREATE ROLE {role} LOGIN")
    try:
        url = make_conninfo(pair.primary_db(database), user=role)
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.info.user == role
            with pytest.raises(ConfigError) as caught:
                ReplicaWatch(conn, max_lag=1.0)
            assert f"role {role} cannot read how far" in caught.value.message
            assert f"GRANT pg_monitor TO {role}" in caught.value.hint
            # with the replicas' URLs it reads those, and says what it cannot see
            with ReplicaWatch(conn, [pair.standby_url], max_lag=1.0) as watch:
                assert [lag.name for lag in watch.check()] == [
                    f"postgres@127.0.0.1:{pair.standby.port()}/postgres"
                ]
                assert "lacks pg_monitor" in watch.notes[0]
        query(pair.primary_url, f"GRANT pg_monitor TO {role}")
        with psycopg.connect(url, autocommit=True) as conn:
            assert ReplicaWatch(conn, max_lag=1.0).check()
    finally:
        query(pair.primary_url, f"DROP ROLE {role}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_replica_url_that_does_not_connect_is_one_paragraph_without_its_password(
    pair: Pair, database: str
) -> None:
    port = _free_port()
    bad = f"postgresql://reader:s3cret-pw@127.0.0.1:{port}/app"
    with psycopg.connect(pair.primary_db(database), autocommit=True) as conn:
        with pytest.raises(ConnectError) as caught:
            ReplicaWatch(conn, [bad], max_lag=1.0)
        assert caught.value.message.startswith(f"replica reader@127.0.0.1:{port}/app: ")
        assert "replicas" in caught.value.hint
        assert "s3cret" not in str(caught.value)
        # the primary's own URL is not a standby
        with pytest.raises(ConfigError, match="is not a standby"):
            ReplicaWatch(conn, [pair.primary_url], max_lag=1.0)


def test_outside_a_run_wait_for_replicas_returns_at_once() -> None:
    started = time.monotonic()
    pgshift.wait_for_replicas()
    assert time.monotonic() - started < 1.0
    assert not ReplicaLag("s", 10, 0, 0.0).stalled
