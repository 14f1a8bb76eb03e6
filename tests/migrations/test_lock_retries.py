"""Lock timeouts: the runner gives up waiting, names the blocker, retries, and keeps nothing
of a failed attempt."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.conftest import query, run_cli, write_migrations


@contextmanager
def blocker(
    url: str, sql: str, release_after: float | None, *, snapshot: bool = False
) -> Iterator[int]:
    """A session holding what ``sql`` locks (and, with ``snapshot``, its snapshot), released
    after ``release_after`` seconds (or at the end of the block); yields its pid."""
    conn = psycopg.connect(url)
    if snapshot:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.execute(sql)
    pid = conn.info.backend_pid
    timer = None
    if release_after is not None:
        timer = threading.Timer(release_after, conn.rollback)
        timer.start()
    try:
        yield pid
    finally:
        if timer is not None:
            timer.join()
        conn.close()


def _project(tmp_path: Path, files: dict[str, str], retries: int, extra: str = "") -> Path:
    folder = write_migrations(tmp_path / "migrations", files)
    config = f'lock_timeout = "200ms"\nlock_retries = {retries}\n{extra}'
    (tmp_path / "pgshift.toml").write_text(config)
    return folder


def test_a_blocked_migration_retries_names_the_blocker_and_succeeds(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)")
    _project(tmp_path, {"0001_add.sql": "ALTER TABLE t ADD COLUMN c int;\n"}, retries=20)
    with blocker(db_url, "SELECT count(*) FROM t /* the report */", release_after=1.5) as pid:
        started = time.monotonic()
        result = run_cli("migrate", url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.0  # it did wait for the blocker
    assert "lock_timeout (attempt 1 of 20)" in result.stderr
    assert f"pid {pid}" in result.stderr
    assert "SELECT count(*) FROM t /* the report */" in result.stderr
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(1,)]
    columns = query(db_url, "SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass")
    assert ("c",) in columns


def test_a_blocker_that_never_ends_gives_a_clear_error_and_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE t (id int)")
    files = {"0001_add.sql": "CREATE TABLE other (id int);\nALTER TABLE t ADD COLUMN c int;\n"}
    _project(tmp_path, files, retries=3)
    with blocker(db_url, "SELECT * FROM t", release_after=None) as pid:
        result = run_cli("migrate", url=db_url, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "0001_add.sql:2" in result.stderr
    assert "Gave up after 3 attempts" in result.stderr
    assert f"pid {pid}" in result.stderr
    assert "pg_terminate_backend" in result.stderr
    assert query(db_url, "SELECT to_regclass('other') IS NULL") == [(True,)]  # rolled back
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]


def test_a_concurrent_index_cancelled_by_the_timeout_leaves_no_invalid_index(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 1000)")
    query(db_url, "CREATE TABLE elsewhere (id int)")
    files = {
        "0001_idx.sql": "-- pgshift:no-transaction\nCREATE INDEX CONCURRENTLY t_x_idx ON t (x);\n"
    }
    _project(tmp_path, files, retries=30, extra='concurrent_lock_timeout = "200ms"\n')
    # a transaction holding an old snapshot makes the build wait for it (and time out)
    with blocker(db_url, "SELECT count(*) FROM elsewhere", release_after=1.5, snapshot=True):
        result = run_cli("migrate", url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "lock_timeout (attempt 1 of 30)" in result.stderr
    rows = query(
        db_url,
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 't'::regclass",
    )
    assert rows == [("t_x_idx", True)]


def test_a_concurrent_build_is_not_cut_short_by_the_migration_lock_timeout(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE t (x int); CREATE TABLE elsewhere (id int)")
    files = {
        "0001_idx.sql": "-- pgshift:no-transaction\nCREATE INDEX CONCURRENTLY t_x_idx ON t (x);\n"
    }
    _project(tmp_path, files, retries=1)  # one attempt: a timeout would fail the run
    with blocker(db_url, "SELECT count(*) FROM elsewhere", release_after=1.0, snapshot=True):
        started = time.monotonic()
        result = run_cli("migrate", url=db_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 0.8  # it waited for the old snapshot, past 200 ms
    assert "lock_timeout" not in result.stderr
    assert query(
        db_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x_idx'::regclass"
    ) == [(True,)]


def test_if_not_exists_does_not_keep_an_invalid_index(db_url: str, tmp_path: Path) -> None:
    query(db_url, "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (1)")
    with psycopg.connect(db_url, autocommit=True) as conn:
        # a unique build over duplicates fails and leaves an INVALID index behind
        with contextlib.suppress(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY t_x_key ON t (x)")
        conn.execute("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)")
    assert query(db_url, "SELECT indisvalid FROM pg_index WHERE indrelid = 't'::regclass") == [
        (False,)
    ]
    files = {
        "0001_key.sql": "-- pgshift:no-transaction\n"
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_x_key ON t (x);\n"
    }
    folder = write_migrations(tmp_path / "migrations", files)
    result = run_cli("migrate", "--dir", str(folder), url=db_url)
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT indisvalid FROM pg_index WHERE indrelid = 't'::regclass") == [
        (True,)
    ]


def test_with_nothing_configured_a_migration_still_gives_up_waiting_after_5_s(
    db_url: str, tmp_path: Path
) -> None:
    query(db_url, "CREATE TABLE t (id int)")
    write_migrations(tmp_path / "migrations", {"0001_add.sql": "ALTER TABLE t ADD COLUMN c int;\n"})
    (tmp_path / "pgshift.toml").write_text("lock_retries = 1\n")  # no lock_timeout set
    with blocker(db_url, "SELECT * FROM t", release_after=None):
        started = time.monotonic()
        result = run_cli("migrate", url=db_url, cwd=tmp_path)
        waited = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert "lock_timeout" in result.stderr
    assert 4.5 <= waited < 30  # the 5 s default, not an endless wait
    (tmp_path / "pgshift.toml").write_text('lock_retries = 1\nlock_timeout = "0"\n')
    with blocker(db_url, "SELECT * FROM t", release_after=2.0):
        started = time.monotonic()
        waits = run_cli("migrate", url=db_url, cwd=tmp_path)  # off: waits for the blocker
    assert waits.returncode == 0, waits.stderr
    assert time.monotonic() - started >= 1.5
