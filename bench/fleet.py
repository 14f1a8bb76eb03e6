"""Migrate a fleet of tenant databases: ``pgshift fleet migrate`` against the loop users
write today, one ``pgshift migrate`` process per database, one after the other.

Both start from the same number of fresh, empty databases on one server and apply the
same migrations (tables, columns, indexes, a foreign key, a comment: the DDL of a
product's early life). Every figure is the wall-clock time of the whole command, as a
user runs it. The ideal is the sum of the per-target migration times the fleet run
reports, divided by its parallelism: how long the run would take if a worker never
waited for another (no tail, no scheduling, no start-up). For reference, the same sum
from a fleet run of one target at a time (no contention) is shown too.

    python bench/fleet.py --url postgresql://postgres@127.0.0.1:5432/postgres
    python bench/fleet.py --targets 50 --parallel 2 4 8   # a quicker look, several pools

With no --url an embedded server is started for the run (and stopped after).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path, or every later `import inspect` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

BIN = Path(sys.executable).parent


def migration(i: int) -> str:
    """Migration ``i`` of the product's first twenty."""
    table = (i - 1) // 4 * 4 + 1
    kind = (i - 1) % 4
    if kind == 0:
        return (
            f"CREATE TABLE t{table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n"
        )
    if kind == 1:
        return f"ALTER TABLE t{table} ADD COLUMN note text;\n"
    if kind == 2:
        return f"CREATE INDEX t{table}_name_idx ON t{table} (name);\n"
    ref = f" REFERENCES t{table - 4} (id)" if table > 4 else ""
    return (
        f"CREATE TABLE t{i} (id bigint PRIMARY KEY, ref bigint{ref}, body jsonb);\n"
        f"COMMENT ON TABLE t{i} IS 'tenant data';\n"
    )


def project(folder: Path, count: int) -> Path:
    """A project folder with ``count`` migrations."""
    (folder / "migrations").mkdir(parents=True)
    for i in range(1, count + 1):
        (folder / "migrations" / f"{i:04d}_m{i}.sql").write_text(migration(i))
    return folder


def url_of(admin: str, name: str) -> str:
    return admin.rsplit("/", 1)[0] + "/" + name


@contextmanager
def databases(admin: str, prefix: str, count: int) -> Iterator[list[str]]:
    """``count`` fresh databases, dropped after."""
    names = [f"{prefix}_{i:04d}" for i in range(count)]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield [url_of(admin, name) for name in names]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules cached
    return env


def loop(folder: Path, urls: list[str]) -> float:
    """One ``pgshift migrate`` process per database, one after the other."""
    started = time.perf_counter()
    for url in urls:
        subprocess.run(
            [str(BIN / "pgshift"), "migrate", "--quiet", "--url", url],
            cwd=folder,
            env=environment(),
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def fleet(folder: Path, urls: list[str], parallel: int | None) -> tuple[float, dict[str, object]]:
    """One ``pgshift fleet migrate`` over every database; its time and JSON report."""
    targets = folder / "tenants.txt"
    targets.write_text("\n".join(urls) + "\n")
    (folder / "pgshift.toml").write_text('[fleet]\ntargets_file = "tenants.txt"\n')
    args = [str(BIN / "pgshift"), "fleet", "migrate", "--json"]
    if parallel:
        args += ["--parallel", str(parallel)]
    started = time.perf_counter()
    done = subprocess.run(args, cwd=folder, env=environment(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    (folder / "pgshift.toml").unlink()
    if done.returncode != 0:
        raise SystemExit(f"fleet migrate failed:\n{done.stderr}")
    report: dict[str, object] = json.loads(done.stdout)
    return seconds, report


def per_target_sum(report: dict[str, object]) -> float:
    targets = report["targets"]
    assert isinstance(targets, list)
    return float(sum(t["seconds"] for t in targets))


@contextmanager
def server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from pgshift.db.embedded import EmbeddedServer
    from pgshift.testing import TEST_SERVER_SETTINGS

    with tempfile.TemporaryDirectory(prefix="pgshift-bench-") as folder:
        embedded = EmbeddedServer(Path(folder) / "pgdata", settings=TEST_SERVER_SETTINGS)
        status = embedded.ensure_running()
        assert status.url is not None
        try:
            yield status.url
        finally:
            embedded.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="admin URL of the server (default: an embedded one)")
    parser.add_argument("--targets", type=int, default=200, help="tenant databases (200)")
    parser.add_argument("--migrations", type=int, default=20, help="migrations each (20)")
    parser.add_argument(
        "--parallel", type=int, nargs="*", default=[0], help="pool sizes (0: the default)"
    )
    parser.add_argument("--no-loop", action="store_true", help="skip the loop of processes")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="pgshift-fleet-bench-") as tmp,
        server(args.url) as admin,
    ):
        folder = project(Path(tmp), args.migrations)
        n, m = args.targets, args.migrations
        print(f"{n} tenant databases x {m} migrations, {os.cpu_count()} cores")
        rows: list[tuple[str, float, str]] = []
        loop_seconds = None
        if not args.no_loop:
            with databases(admin, "bench_loop", n) as urls:
                loop_seconds = loop(folder, urls)
            rows.append(("loop: pgshift migrate per database", loop_seconds, ""))
        with databases(admin, "bench_one", n) as urls:
            one_seconds, one = fleet(folder, urls, 1)
        alone = per_target_sum(one)
        rows.append(("fleet migrate --parallel 1", one_seconds, f"per-target sum {alone:.1f} s"))
        best = None
        for parallel in args.parallel:
            with databases(admin, f"bench_fleet{parallel}", n) as urls:
                seconds, report = fleet(folder, urls, parallel or None)
            width = int(str(report["parallel"]))
            ideal = per_target_sum(report) / width
            label = f"fleet migrate --parallel {width}" + (" (default)" if not parallel else "")
            note = (
                f"ideal {ideal:.1f} s (x{seconds / ideal:.2f}); "
                f"uncontended ideal {alone / width:.1f} s"
            )
            rows.append((label, seconds, note))
            if best is None or seconds < best[1]:
                best = (label, seconds)
        width = max(len(r[0]) for r in rows)
        for label, seconds, note in rows:
            ratio = ""
            if loop_seconds and not label.startswith("loop"):
                ratio = f"  {loop_seconds / seconds:5.1f}x faster than the loop"
            print(f"  {label:<{width}}  {seconds:7.1f} s{ratio}  {note}")


if __name__ == "__main__":
    main()
