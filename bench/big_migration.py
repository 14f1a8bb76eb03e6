"""Apply one big data migration with pgshift and with ``psql -1 -f``, in the same run.

    python bench/big_migration.py --url postgresql://postgres@127.0.0.1:5432/postgres

A temporary project holds two migrations: ``0001_items.sql`` creates a table and
``0002_items_data.sql`` fills it with INSERT statements of about 125 bytes each,
``--size`` MB in all (default 50, about 400,000 statements). Each command runs as a
user runs it, on a fresh database, ``--repeat`` times (default 3), the commands
taking turns round by round:

- ``psql -1 -f`` of both files (the floor: one transaction, statement by statement);
- ``pgshift migrate`` (parse, lint, apply with its history row);
- ``pgshift migrate --no-lint`` (the same without the lint, to show the runner alone).

It prints each command's median seconds, MB/s, peak resident memory (of the
command's own process) and its ratio to the floor; then one ``pgshift lint
--no-cache`` of the folder, stopped after ``--lint-timeout`` seconds. A run that takes
longer than ``--timeout`` seconds is stopped and shown as such.
Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path, or every later `import inspect` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import string  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402

BIN = Path(sys.executable).parent
PGSHIFT = (
    [str(BIN / "pgshift")] if (BIN / "pgshift").exists() else [sys.executable, "-m", "pgshift"]
)
# As users run it: with the bytecode cache.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

CREATE = (
    "CREATE TABLE items (\n"
    "    id bigint PRIMARY KEY,\n"
    "    name text NOT NULL,\n"
    "    payload text NOT NULL\n"
    ");\n"
)


def generate(folder: Path, megabytes: float, seed: int = 7) -> int:
    """Write the two migrations into ``folder``; return the number of INSERT statements."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " "
    # a pool of payloads keeps generation quick; ids and names make every row distinct
    payloads = ["".join(rng.choices(alphabet, k=56)) for _ in range(1000)]
    (folder / "0001_items.sql").write_text(CREATE)
    target = int(megabytes * 1_000_000)
    written = 0
    count = 0
    with (folder / "0002_items_data.sql").open("w") as out:
        out.write("-- rows the application needs from its first day\n")
        chunk: list[str] = []
        while written < target:
            count += 1
            line = (
                f"INSERT INTO items (id, name, payload) VALUES "
                f"({count}, 'name {count}', '{payloads[count % len(payloads)]}');\n"
            )
            chunk.append(line)
            written += len(line)
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    return count


@dataclass
class Runs:
    """The timings and peak memory of one command over the rounds."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)


def run(
    command: list[str], cwd: Path, timeout: float | None = None, ok: tuple[int, ...] = (0,)
) -> tuple[float, int] | None:
    """Wall time and peak RSS (KiB) of one command; None when it ran out of time."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=out, stderr=out)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                process.returncode = -9
                return None
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok:
            out.seek(0)
            raise RuntimeError(
                f"failed ({process.returncode}): {' '.join(command)}\n"
                + out.read()[-3000:].decode(errors="replace")
            )
    return elapsed, int(usage.ru_maxrss)


def recreate(admin: str, db: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))


def drop(admin: str, db: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def rows(admin: str, db: str) -> int:
    with psycopg.connect(make_conninfo(admin, dbname=db)) as conn:
        row = conn.execute("SELECT count(*) FROM items").fetchone()
    return int(row[0]) if row else 0


def plain_url(admin: str, db: str) -> str:
    params = conninfo_to_dict(make_conninfo(admin, dbname=db))
    host, port, user = params.get("host", "127.0.0.1"), params.get("port", "5432"), params["user"]
    return f"postgresql://{user}@{host}:{port}/{db}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--size", type=float, default=50.0, help="MB of INSERTs (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (default 3)")
    parser.add_argument(
        "--lint-timeout", type=float, default=300.0, help="stop pgshift lint after N s"
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="stop a migrate or psql run after N s"
    )
    parser.add_argument("--no-lint-run", action="store_true", help="skip 'migrate --no-lint'")
    args = parser.parse_args()
    psql = shutil.which("psql")
    if psql is None:
        sys.exit("psql is not on PATH (install the server's client tools)")

    with tempfile.TemporaryDirectory(prefix="pgshift-big-") as tmp:
        project = Path(tmp)
        folder = project / "migrations"
        folder.mkdir()
        count = generate(folder, args.size)
        big = folder / "0002_items_data.sql"
        megabytes = big.stat().st_size / 1e6
        with psycopg.connect(args.url) as conn:
            version = conn.execute("SHOW server_version").fetchone()
        print(
            f"PostgreSQL {version[0] if version else '?'}; one migration of {megabytes:.1f} MB "
            f"({count:,} INSERT statements) after a CREATE TABLE; medians of {args.repeat} runs, "
            "wall time of the whole command"
        )

        def floor(url: str) -> list[str]:
            files = [str(folder / "0001_items.sql"), str(big)]
            return [psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", url] + [
                arg for f in files for arg in ("-f", f)
            ]

        def migrate(*extra: str) -> Callable[[str], list[str]]:
            def command(url: str) -> list[str]:
                return [*PGSHIFT, "migrate", "-q", "--url", url, "--dir", str(folder), *extra]

            return command

        commands: list[tuple[str, Callable[[str], list[str]]]] = [
            ("psql -1 -f (floor)", floor),
            ("pgshift migrate", migrate()),
        ]
        if not args.no_lint_run:
            commands.append(("pgshift migrate --no-lint", migrate("--no-lint")))
        results = {name: Runs(name) for name, _ in commands}
        stopped: set[str] = set()  # commands that ran out of time once: not run again
        dbs = ["pgshift_big_a", "pgshift_big_b"]
        turn = 0
        try:
            for _ in range(args.repeat):
                for name, make in commands:
                    if name in stopped:
                        continue
                    db = dbs[turn % 2]  # never re-create the database just filled
                    turn += 1
                    recreate(args.url, db)
                    measured = run(make(plain_url(args.url, db)), project, args.timeout)
                    if measured is None:
                        stopped.add(name)
                        continue
                    results[name].seconds.append(measured[0])
                    results[name].peak_kb.append(measured[1])
                    got = rows(args.url, db)
                    if got != count:
                        raise RuntimeError(f"{name}: {got} rows after applying {count}")
        finally:
            for db in dbs:
                drop(args.url, db)

        base = statistics.median(results[commands[0][0]].seconds)
        print()
        print(f"{'command':<28} {'seconds':>8} {'MB/s':>7} {'peak RSS':>9} {'× floor':>8}")
        for name, _ in commands:
            runs = results[name]
            if name in stopped:
                print(f"{name:<28} > {args.timeout:.0f} s (stopped)")
                continue
            seconds = statistics.median(runs.seconds)
            print(
                f"{name:<28} {seconds:>8.2f} {megabytes / seconds:>7.1f} "
                f"{max(runs.peak_kb) / 1024:>7.0f}MB {seconds / base:>7.2f}×"
            )
        lint = run(
            [*PGSHIFT, "lint", "--no-cache", str(folder)], project, args.lint_timeout, (0, 1)
        )
        if lint is None:
            print(f"{'pgshift lint --no-cache':<28} > {args.lint_timeout:.0f} s (stopped)")
        else:
            print(
                f"{'pgshift lint --no-cache':<28} {lint[0]:>8.2f} {megabytes / lint[0]:>7.1f} "
                f"{lint[1] / 1024:>7.0f}MB"
            )
        print()
        print(
            "target: pgshift migrate within 1.5× the floor; peak RSS a small multiple of the file"
        )


if __name__ == "__main__":
    main()
