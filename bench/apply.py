"""Apply N small migrations with pgshift and its peers; time no-op runs and status.

Every figure is a wall-clock time of the whole command, as a user runs it, with
the median of several runs, the tools taking turns round by round (the disk's
speed drifts); ratios are to the floor, ``psql -f`` of the same SQL
(one commit per statement). Peers that are not installed are reported as such.

    python bench/apply.py --url postgresql://postgres@127.0.0.1:5432/postgres

Peers: ``pip install alembic yoyo-migrations`` and
``npm install --prefix bench/.peers dbmate`` (dbmate's Go program is run directly, not
through npm's Node wrapper). Beside the peers, the least any Python tool pays for a no-op:
an interpreter that imports psycopg, connects and runs one query.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path, or every later `import inspect` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def statement(i: int) -> str:
    """Migration ``i``: one small DDL statement (a table, a column or an index)."""
    base = i - (i - 1) % 3
    if (i - 1) % 3 == 0:
        return f"CREATE TABLE t{base} (id bigint PRIMARY KEY, name text)"
    if (i - 1) % 3 == 1:
        return f"ALTER TABLE t{base} ADD COLUMN c{i} integer"
    return f"CREATE INDEX t{base}_name_idx ON t{base} (name)"


@dataclass
class Tool:
    """A migration tool: how to lay out N migrations, and its three commands."""

    name: str
    prepare: Callable[[Path, int], None]
    apply: Callable[[Path, str], list[str]]
    status: Callable[[Path, str], list[str]]
    noop: Callable[[Path, str], list[str]] | None = None  # default: apply again


def urls(admin: str, db: str) -> dict[str, str]:
    """The same database as the URL each tool wants."""
    params = conninfo_to_dict(make_conninfo(admin, dbname=db))
    host, port, user = params.get("host", "127.0.0.1"), params.get("port", "5432"), params["user"]
    plain = f"postgresql://{user}@{host}:{port}/{db}"
    return {
        "plain": plain,
        "sqlalchemy": f"postgresql+psycopg://{user}@{host}:{port}/{db}",
        "dbmate": f"postgres://{user}@{host}:{port}/{db}?sslmode=disable",
    }


# -- layouts ---------------------------------------------------------------------------


def prepare_sql_files(folder: Path, count: int) -> None:
    for i in range(1, count + 1):
        (folder / f"{i:04d}_m{i}.sql").write_text(statement(i) + ";\n")


def prepare_psql(folder: Path, count: int) -> None:
    text = "".join(statement(i) + ";\n" for i in range(1, count + 1))
    (folder / "all.sql").write_text(text)


def prepare_dbmate(folder: Path, count: int) -> None:
    for i in range(1, count + 1):
        (folder / f"{i:04d}_m{i}.sql").write_text(
            f"-- migrate:up\n{statement(i)};\n\n-- migrate:down\n"
        )


ALEMBIC_ENV = """
from alembic import context
from sqlalchemy import create_engine

engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
"""


def prepare_alembic(folder: Path, count: int) -> None:
    (folder / "versions").mkdir()
    (folder / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s\n")
    (folder / "env.py").write_text(ALEMBIC_ENV)
    (folder / "script.py.mako").write_text("")
    for i in range(1, count + 1):
        down = f"'r{i - 1:04d}'" if i > 1 else "None"
        (folder / "versions" / f"r{i:04d}.py").write_text(
            "from alembic import op\n"
            f"revision = 'r{i:04d}'\ndown_revision = {down}\n"
            "branch_labels = None\ndepends_on = None\n\n"
            f"def upgrade():\n    op.execute({statement(i)!r})\n\n"
            "def downgrade():\n    pass\n"
        )


# -- tools -------------------------------------------------------------------------------


def tools(admin: str) -> tuple[list[Tool], list[str]]:
    """The tools found on this machine, and a note for each one that is not."""
    found: list[Tool] = []
    missing: list[str] = []

    def plain(db: str) -> str:
        return urls(admin, db)["plain"]

    found.append(
        Tool(
            "psql -f (floor)",
            prepare_psql,
            lambda d, db: [
                "psql",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                plain(db),
                "-f",
                str(d / "all.sql"),
            ],
            lambda d, db: ["psql", "-X", "-q", "-d", plain(db), "-c", "select 1"],
            lambda d, db: ["psql", "-X", "-q", "-d", plain(db), "-c", "select 1"],
        )
    )
    pgshift = (
        [str(BIN / "pgshift")] if (BIN / "pgshift").exists() else [sys.executable, "-m", "pgshift"]
    )
    found.append(
        Tool(
            "pgshift",
            prepare_sql_files,
            lambda d, db: [*pgshift, "migrate", "-q", "--url", plain(db), "--dir", str(d)],
            lambda d, db: [*pgshift, "status", "--url", plain(db), "--dir", str(d)],
        )
    )
    if (BIN / "alembic").exists():

        def alembic(d: Path, db: str, *command: str) -> list[str]:
            url = "url=" + urls(admin, db)["sqlalchemy"]
            return [str(BIN / "alembic"), "-c", str(d / "alembic.ini"), "-x", url, *command]

        found.append(
            Tool(
                "alembic",
                prepare_alembic,
                lambda d, db: alembic(d, db, "upgrade", "head"),
                lambda d, db: alembic(d, db, "current"),
            )
        )
    else:
        missing.append("alembic: not installed (pip install alembic)")
    if (BIN / "yoyo").exists():
        found.append(
            Tool(
                "yoyo-migrations",
                prepare_sql_files,
                lambda d, db: [
                    str(BIN / "yoyo"),
                    "apply",
                    "--batch",
                    "--no-config-file",
                    "--database",
                    urls(admin, db)["sqlalchemy"],
                    str(d),
                ],
                lambda d, db: [
                    str(BIN / "yoyo"),
                    "list",
                    "--no-config-file",
                    "--database",
                    urls(admin, db)["sqlalchemy"],
                    str(d),
                ],
            )
        )
    else:
        missing.append("yoyo-migrations: not installed (pip install yoyo-migrations)")
    dbmate_cmd = dbmate_binary()
    if dbmate_cmd:

        def dbmate(d: Path, db: str, command: str, *extra: str) -> list[str]:
            url = urls(admin, db)["dbmate"]
            return [dbmate_cmd, "--url", url, "--migrations-dir", str(d), *extra, command]

        found.append(
            Tool(
                "dbmate",
                prepare_dbmate,
                lambda d, db: dbmate(d, db, "up", "--no-dump-schema"),
                lambda d, db: dbmate(d, db, "status"),
            )
        )
    else:
        missing.append("dbmate: not installed (npm install --prefix bench/.peers dbmate)")
    return found, missing


def dbmate_binary() -> str | None:
    """dbmate's own (Go) program: npm's ``.bin/dbmate`` is a Node script that starts it,
    which would add Node's start-up (over 100 ms) to every dbmate figure."""
    for found in sorted((HERE / ".peers" / "node_modules" / "@dbmate").glob("*/bin/dbmate")):
        return str(found)
    return shutil.which("dbmate")


# -- measuring ---------------------------------------------------------------------------


def recreate(admin: str, db: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))


def drop(admin: str, db: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def timed(command: list[str], tool: Tool, ok_codes: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok_codes:
        raise RuntimeError(
            f"{tool.name} failed ({result.returncode}): {' '.join(command)}\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return elapsed


def count_objects(admin: str, db: str) -> int:
    with psycopg.connect(make_conninfo(admin, dbname=db)) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname ~ '^t[0-9]+(_name_idx)?$') + "
            "(SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name ~ '^c[0-9]+$')"
        ).fetchone()
    return int(row[0]) if row else 0


@dataclass
class Result:
    """Medians for one tool."""

    name: str
    apply: float
    noop: float
    status: float


def measure_all(
    found: list[Tool], admin: str, count: int, repeat: int, noop_repeat: int
) -> list[Result]:
    """Interleave the tools round by round, so a slow spell of the disk hits them all."""
    dbs = ["pgshift_bench_a", "pgshift_bench_b"]
    turn = 0
    with tempfile.TemporaryDirectory(prefix="pgshift-bench-") as tmp:
        folders = {}
        for tool in found:
            folders[tool.name] = Path(tmp) / str(len(folders))
            folders[tool.name].mkdir()
            tool.prepare(folders[tool.name], count)
        applies: dict[str, list[float]] = {t.name: [] for t in found}
        for _ in range(repeat):
            for tool in found:
                db = dbs[turn % 2]  # never re-create the database just filled
                turn += 1
                recreate(admin, db)
                applies[tool.name].append(timed(tool.apply(folders[tool.name], db), tool))
                got = count_objects(admin, db)
                if got != count:
                    raise RuntimeError(f"{tool.name}: {got} objects after applying {count}")
        results = []
        for tool in found:
            db = dbs[turn % 2]
            turn += 1
            recreate(admin, db)
            folder = folders[tool.name]
            timed(tool.apply(folder, db), tool)
            again = tool.noop or tool.apply
            noops = [timed(again(folder, db), tool) for _ in range(noop_repeat)]
            statuses = [timed(tool.status(folder, db), tool, (0, 1)) for _ in range(noop_repeat)]
            results.append(
                Result(
                    tool.name,
                    statistics.median(applies[tool.name]),
                    statistics.median(noops),
                    statistics.median(statuses),
                )
            )
        for db in dbs:
            drop(admin, db)
    return results


def main() -> None:
    # every command runs as users run it, from bytecode compiled once: with this set,
    # each Python process would compile its sources again
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--count", type=int, default=1000, help="migrations (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="apply runs per tool")
    parser.add_argument("--noop-repeat", type=int, default=7, help="no-op/status runs per tool")
    parser.add_argument("--only", nargs="*", help="tool names to run (default: all found)")
    args = parser.parse_args()

    found, missing = tools(args.url)
    if args.only:
        found = [t for t in found if any(o in t.name for o in args.only) or "floor" in t.name]
    with psycopg.connect(args.url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    print(
        f"PostgreSQL {version[0] if version else '?'}; {args.count} migrations, one small DDL "
        f"statement each; medians of {args.repeat} applies and {args.noop_repeat} no-op/status "
        "runs; wall time of the whole command"
    )
    for note in missing:
        print(f"  skipped {note}")
    results = measure_all(found, args.url, args.count, args.repeat, args.noop_repeat)
    floor = results[0]
    print()
    print(f"{'tool':<18} {'apply':>9} {'× floor':>8} {'no-op':>9} {'status':>9}")
    for r in results:
        print(
            f"{r.name:<18} {r.apply:>8.2f}s {r.apply / floor.apply:>7.2f}× "
            f"{r.noop * 1000:>7.0f}ms {r.status * 1000:>7.0f}ms"
        )
    print()
    print("no-op and status of the floor: psql -c 'select 1'")
    by_name = {r.name: r for r in results}
    ours = by_name.get("pgshift")
    python_floor = python_driver_floor(args.url, args.noop_repeat)
    print(
        f"python + psycopg, connect and one query (any Python tool's floor): "
        f"{python_floor * 1000:.0f}ms"
    )
    if ours:
        for peer in ("dbmate", "alembic", "yoyo-migrations"):
            if peer in by_name:
                other = by_name[peer]
                print(
                    f"pgshift / {peer}: no-op {ours.noop / other.noop:.2f}×, "
                    f"status {ours.status / other.status:.2f}×"
                )
        print(
            f"pgshift / the Python floor: no-op {ours.noop / python_floor:.2f}×, "
            f"status {ours.status / python_floor:.2f}×"
        )
    print("targets: apply ≤ 1.20× the floor at 1,000 migrations; no-op and status ≤ 1.5× dbmate")


_PYTHON_FLOOR = """
import sys, psycopg
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("SELECT count(*) FROM pg_class").fetchone()
"""


def python_driver_floor(url: str, repeat: int) -> float:
    """Median time of a Python process that imports psycopg, connects and runs a query."""
    command = [sys.executable, "-c", _PYTHON_FLOOR, url]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
