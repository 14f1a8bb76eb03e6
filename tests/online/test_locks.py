"""migrate --dry-run --explain-locks: each statement's locks and rewrites, observed on a
scratch copy of the schema, beside the linter's prediction; the real database untouched."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.conftest import query, run_cli, write_migrations


def test_observed_locks_and_rewrites_next_to_the_prediction(db_url: str, tmp_path: Path) -> None:
    query(
        db_url,
        "CREATE TABLE users (id bigint PRIMARY KEY, n integer, email text);"
        "INSERT INTO users SELECT g, g, 'u' || g FROM generate_series(1, 100) g",
    )
    folder = write_migrations(
        tmp_path / "migrations",
        {
            "0001_a.sql": "ALTER TABLE users ADD COLUMN phone text CONSTRAINT phone_key UNIQUE;\n"
            "ALTER TABLE users ALTER COLUMN n TYPE bigint;\n",
            "0002_b.sql": "CREATE INDEX users_email_idx ON users (email);\n",
            "0003_c.sql": "-- pgshift:no-transaction\n"
            "CREATE INDEX CONCURRENTLY users_n_idx ON users (n);\n",
        },
    )
    scratch = "SELECT datname FROM pg_database WHERE datname LIKE 'pgshift_scratch_%'"
    before = set(query(db_url, scratch))
    result = run_cli(
        "migrate", "--dry-run", "--explain-locks", "--json", "--dir", str(folder), url=db_url
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_line = {(Path(r["file"]).name, r["line"]): r for r in report}
    unique = by_line["0001_a.sql", 1]
    assert {"table": "public.users", "mode": "AccessExclusiveLock"} in unique["locks"]
    assert unique["rewritten"] == []
    assert any(
        p.startswith("add-unique-constraint: AccessExclusiveLock") for p in unique["predicted"]
    )
    retype = by_line["0001_a.sql", 2]
    assert retype["rewritten"] == ["public.users"]
    assert any(p.startswith("change-column-type") for p in retype["predicted"])
    index = by_line["0002_b.sql", 1]
    assert index["locks"] == [{"table": "public.users", "mode": "ShareLock"}]  # the index exists
    assert "outside a transaction" in by_line["0003_c.sql", 2]["note"]
    # nothing happened to the real database, and the scratch copy is gone
    assert query(db_url, "SELECT count(*) FROM pg_indexes WHERE tablename = 'users'") == [(1,)]
    assert query(db_url, "SELECT to_regclass('pgshift.history') IS NULL") == [(True,)]
    # the scratch copy is gone: no scratch database made since stays (other tests running
    # beside this one make and drop their own within moments)
    deadline = time.monotonic() + 30
    while (left := set(query(db_url, scratch)) - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == set()
    text = run_cli("migrate", "--dry-run", "--explain-locks", "--dir", str(folder), url=db_url)
    assert "observed:  public.users AccessExclusiveLock" in text.stdout
    assert "predicted: add-unique-constraint" in text.stdout


def test_explain_locks_needs_dry_run(db_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "SELECT 1;\n"})
    result = run_cli("migrate", "--explain-locks", "--dir", str(folder), url=db_url)
    assert result.returncode == 2
    assert "--dry-run" in result.stderr
