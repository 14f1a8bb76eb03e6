"""Apply another tool's migration directory with psql and with pgshift; compare.

    python bench/real_dirs.py path/to/migrations --layout diesel \\
        --url postgresql://postgres@127.0.0.1:5432/postgres

Into one fresh database psql applies the files in the tool's own order, each in a
transaction where the tool uses one (``tests/layout_oracle.py``); into another the
``pgshift migrate`` command runs with ``PGSHIFT_LAYOUT`` set. It prints both times,
the difference of the two ``pg_dump --schema-only`` texts (none expected) and a
one-line verdict; the databases are dropped afterwards (``--keep`` keeps them).
``--only psql`` checks the directory and the psql side alone. ``--setup FILE`` runs
a SQL file first in both databases, for what a project expects to exist already
(extensions, roles: roles belong to the server, so the file must run twice). The
exit code is 0 when the schemas are the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path; the repository's root goes on it for tests/layout_oracle.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import difflib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

from tests.layout_oracle import (  # noqa: E402
    LAYOUTS,
    OracleError,
    Step,
    apply,
    dump_schema,
    plan,
)


def create_db(admin: str, role: str) -> tuple[str, str]:
    name = f"pgshift_bench_{role}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, make_conninfo(admin, dbname=name)


def drop_db(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def pgshift_command() -> list[str]:
    """The installed ``pgshift`` beside this Python, else ``python -m pgshift``."""
    found = shutil.which("pgshift", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "pgshift"]


def run_pgshift(directory: Path, layout: str, url: str, args: argparse.Namespace) -> float:
    """``pgshift migrate`` as a user runs it; its wall time. Lint is off unless asked:
    this compares reading and applying, and other tools' files were never linted."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PG", "PGSHIFT_")) and k != "DATABASE_URL"
    }
    env["PGSHIFT_LAYOUT"] = layout
    if args.dialect:
        env["PGSHIFT_DIALECT"] = args.dialect
    command = [*pgshift_command(), "migrate", "--url", url, "--dir", str(directory), "-q"]
    if not args.lint:
        command.append("--no-lint")
    with tempfile.TemporaryDirectory(prefix="pgshift-bench-") as cwd:  # backups land here
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise OracleError(f"pgshift migrate failed ({done.returncode}):\n{done.stderr.strip()}")
    return seconds


def run_psql(steps: tuple[Step, ...], url: str) -> float:
    start = time.perf_counter()
    apply(steps, url)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--layout", required=True, choices=LAYOUTS)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", choices=("psql", "pgshift"), help="run one side only")
    parser.add_argument("--setup", type=Path, help="a SQL file run first in both databases")
    parser.add_argument("--dialect", help="PGSHIFT_DIALECT for pgshift (popx)")
    parser.add_argument("--lint", action="store_true", help="let pgshift lint (off by default)")
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    args = parser.parse_args()

    directory = args.directory.resolve()
    try:
        steps = plan(directory, args.layout)
    except OracleError as exc:
        print(f"VERDICT: the directory is not a valid {args.layout} directory: {exc}")
        return 1
    inside = sum(step.transactional for step in steps.ups)
    print(
        f"{directory} as {args.layout}: {len(steps.ups)} migrations "
        f"({inside} in a transaction, {len(steps.ups) - inside} outside)"
    )
    setup = [Step("setup", args.setup, args.setup.read_text(), False)] if args.setup else []

    made: list[tuple[str, str]] = []
    times: dict[str, float] = {}
    dumps: dict[str, str] = {}
    failed: dict[str, str] = {}
    try:
        for side in ("psql", "pgshift"):
            if args.only not in (None, side):
                continue
            name, url = create_db(args.url, side)
            made.append((name, url))
            try:
                apply(setup, url)
                if side == "psql":
                    times[side] = run_psql(steps.ups, url)
                else:
                    times[side] = run_pgshift(directory, args.layout, url, args)
                dumps[side] = dump_schema(url)
            except OracleError as exc:
                failed[side] = str(exc)
                print(f"{side} failed:\n{exc}")
    finally:
        for name, url in made:
            if args.keep:
                print(f"kept {name}: {url}")
            else:
                drop_db(args.url, name)

    for side, seconds in times.items():
        print(f"{side:8} {seconds:8.2f} s  ({len(dumps[side].splitlines())} schema lines)")
    if failed:
        print(f"VERDICT: {' and '.join(sorted(failed))} could not apply {directory.name}")
        return 1
    if len(dumps) == 1:
        print(f"VERDICT: {next(iter(dumps))} applies {directory.name} cleanly from empty")
        return 0
    diff = list(
        difflib.unified_diff(
            dumps["psql"].splitlines(), dumps["pgshift"].splitlines(), "psql", "pgshift", n=2
        )
    )
    ratio = times["pgshift"] / times["psql"] if times["psql"] else float("nan")
    if diff:
        print("\n".join(line.rstrip("\n") for line in diff))
        changed = sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        print(f"VERDICT: DIFFERENT schemas ({changed} lines differ); pgshift/psql {ratio:.2f}x")
        return 1
    print(f"VERDICT: same schema; pgshift {ratio:.2f}x the time of psql")
    return 0


if __name__ == "__main__":
    sys.exit(main())
