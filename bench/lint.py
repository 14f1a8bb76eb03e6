"""Lint 1,000 generated migration files with pgshift and with squawk, in the same run;
and, with --sizes, one data migration of 1 to 50 MB, to see lint time grow with the size.

    python bench/lint.py            # pip install squawk-cli for the peer
    python bench/lint.py --sizes 1,5,10,50

Figures (medians; the tools take turns round by round):

- the floor: a bare parse of every file with pglast (``pglast.parse_sql``, in
  process), and the JSON parse pgshift itself uses;
- pgshift, cold: the whole ``pgshift lint DIR --no-cache`` command, and the same
  lint in process (no interpreter start);
- pgshift, re-run: the whole command with the cache warm (files unchanged);
- squawk: the whole ``squawk FILES`` command.

Ratios are to the bare parse. Nothing here asserts a time.

With --sizes: a file of INSERT statements of about 125 bytes each (400,000 in 50 MB)
for each size; for each, ``pgshift lint FILE --no-cache`` (wall and CPU seconds, MB/s
of CPU time, which other work on the machine disturbs less, and peak RSS), then, in a
process of their own, its two halves: the split (``pgshift.migrations.statements.split``) and the
lint engine on the split statements (CPU seconds, MB/s); then the command again with
the lint cache, first filling it, then warm. Linear time shows as MB/s that stays the
same from size to size.
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
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

STATEMENTS = (
    "CREATE TABLE t{n} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL,"
    " created_at timestamptz NOT NULL DEFAULT now());",
    "ALTER TABLE t{m} ADD COLUMN c{n} integer;",
    "CREATE INDEX t{m}_c{n}_idx ON t{m} (name);",
    "ALTER TABLE t{m} ADD COLUMN phone{n} varchar(20) CONSTRAINT t{m}_phone{n}_key UNIQUE;",
    "UPDATE t{m} SET name = lower(name) WHERE id < 1000;",
    "ALTER TABLE t{m} ALTER COLUMN c{n} SET NOT NULL;",
    "ALTER TABLE t{m} ADD CONSTRAINT t{m}_fk{n} FOREIGN KEY (id) REFERENCES t{n} (id) NOT VALID;",
    "COMMENT ON TABLE t{m} IS 'table {m}';",
    "CREATE VIEW v{n} AS SELECT id, name FROM t{m} WHERE created_at > now() - interval '1 day';",
    "INSERT INTO t{m} (name) VALUES ('a'), ('b'), ('c');",
)


def generate(folder: Path, count: int, seed: int = 11) -> list[Path]:
    """``count`` migration files of 3 to 8 statements each."""
    rng = random.Random(seed)
    files = []
    for n in range(1, count + 1):
        body = [
            rng.choice(STATEMENTS).format(n=n, m=rng.randint(1, max(1, n - 1)))
            for _ in range(rng.randint(3, 8))
        ]
        path = folder / f"{n:04d}_change_{n}.sql"
        path.write_text("\n".join(body) + "\n")
        files.append(path)
    return files


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# As users run it: with the bytecode cache (a PYTHONDONTWRITEBYTECODE in the
# environment would make every run compile pgshift's modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], cwd: Path) -> Callable[[], object]:
    def go() -> object:
        return subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)

    return go


def data_migration(path: Path, megabytes: float) -> int:
    """A data migration of INSERT statements, ``megabytes`` long; its statement count."""
    target, size, n = int(megabytes * 1_000_000), 0, 0
    with path.open("w") as out:
        while size < target:
            n += 1
            line = (
                f"INSERT INTO items (id, name, payload) VALUES ({n}, 'name {n}', "
                f"'payload of row {n:07d}: {'x' * 26}');\n"
            )
            out.write(line)
            size += len(line)
    return n


def measured(command: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Seconds, CPU seconds, peak RSS (MB) and standard output of one run of ``command``."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        out.seek(0)
        text = out.read().decode()
    if code not in (0, 1):  # 1: findings
        raise SystemExit(f"{' '.join(command)} exited with {code}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, text  # ru_maxrss is in kB on Linux


def halves(path: Path) -> None:
    """Print the split's and the lint engine's CPU seconds for ``path`` as JSON (--halves)."""
    from pgshift.lint.engine import LintOptions, lint_migration
    from pgshift.migrations.discovery import sql_file
    from pgshift.migrations.statements import split

    migration = sql_file(path)
    assert migration.up is not None
    started = time.process_time()
    statements = split(migration.up)
    parsed = time.process_time()
    findings = lint_migration(migration, LintOptions(), statements)
    done = time.process_time()
    print(json.dumps({"split": parsed - started, "engine": done - parsed, "found": len(findings)}))


def sizes(megabytes: list[float]) -> None:
    """The data-migration table (--sizes)."""
    print("a data migration of INSERT statements of ~125 bytes; pgshift lint FILE --no-cache:")
    print("wall and CPU seconds, MB/s of CPU time, peak RSS; then its two halves in a process")
    print("of their own (CPU seconds, MB/s); then the command with the cache, filling, warm")
    print(
        f"{'MB':>5} {'stmts':>7} {'wall s':>7} {'cpu s':>7} {'MB/s':>5} {'RSS MB':>6} | "
        f"{'split':>6} {'MB/s':>5} {'engine':>6} {'MB/s':>5} | {'fill s':>6} {'warm s':>6}"
    )
    for size in megabytes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            path = root / "0001_load_items.sql"
            count = data_migration(path, size)
            mb = path.stat().st_size / 1e6
            lint = [sys.executable, "-m", "pgshift", "lint", str(path), "--format", "json"]
            wall, cpu, rss, _ = measured([*lint, "--no-cache"], root)
            *_, out = measured([sys.executable, __file__, "--halves", str(path)], root)
            parts = json.loads(out)
            fill, *_ = measured(lint, root)
            warm, *_ = measured(lint, root)
            print(
                f"{mb:5.1f} {count:7,} {wall:7.2f} {cpu:7.2f} {mb / cpu:5.2f} {rss:6.0f} | "
                f"{parts['split']:6.2f} {mb / parts['split']:5.2f} "
                f"{parts['engine']:6.2f} {mb / parts['engine']:5.2f} | {fill:6.2f} {warm:6.2f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--sizes", help="sizes in MB of one data migration, comma-separated (1,5,10,50)"
    )
    parser.add_argument("--halves", type=Path, help=argparse.SUPPRESS)  # one size's halves
    args = parser.parse_args()
    if args.halves:
        halves(args.halves)
        return
    if args.sizes:
        sizes([float(size) for size in args.sizes.split(",")])
        return

    from pglast import parse_sql
    from pglast import parser as pg_parser

    from pgshift.lint.engine import LintOptions
    from pgshift.lint.files import collect, lint_migrations

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "migrations"
        folder.mkdir()
        files = generate(folder, args.files)
        texts = [f.read_text() for f in files]
        size = sum(len(t) for t in texts)
        pgshift = [sys.executable, "-m", "pgshift", "lint", str(folder), "--format", "json"]
        squawk = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
        has_squawk = Path(squawk).exists()

        def bare() -> None:
            for text in texts:
                parse_sql(text)

        def json_parse() -> None:
            for text in texts:
                pg_parser.parse_sql_json(text)

        def in_process() -> None:
            lint_migrations(collect([folder]), LintOptions(), None)

        tools: dict[str, Callable[[], object]] = {
            "pglast parse_sql (floor)": bare,
            "pglast parse_sql_json": json_parse,
            "pgshift lint, in process": in_process,
            "pgshift lint --no-cache": run([*pgshift, "--no-cache"], root),
            "pgshift lint, cache warm": run(pgshift, root),
        }
        if has_squawk:
            tools["squawk"] = run([squawk, *map(str, files)], root)
        run(pgshift, root)()  # fill the lint cache and the bytecode cache
        run([*pgshift, "--no-cache"], root)()
        times: dict[str, list[float]] = {name: [] for name in tools}
        for _ in range(args.repeat):
            for name, action in tools.items():
                times[name].append(timed(action))
        findings = subprocess.run(
            pgshift, cwd=root, env=ENV, capture_output=True, text=True, check=False
        )
        floor = statistics.median(times["pglast parse_sql (floor)"])
        print(f"{args.files} files, {size / 1e6:.2f} MB; medians of {args.repeat}")
        print(f"{'':34} {'time':>9} {'× floor':>9}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:34} {median * 1000:7.0f}ms {median / floor:8.2f}×")
        if not has_squawk:
            print("squawk: not installed (pip install squawk-cli)")
        print(f"pgshift findings: {len(json.loads(findings.stdout)['findings'])}")
        print("targets: cold lint ≤ 2× the bare parse; a cached re-run faster than squawk")


if __name__ == "__main__":
    main()
