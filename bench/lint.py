"""Lint 1,000 generated migration files with pgshift and with squawk, in the same run.

    python bench/lint.py            # pip install squawk-cli for the peer

Figures (medians; the tools take turns round by round):

- the floor: a bare parse of every file with pglast (``pglast.parse_sql``, in
  process), and the JSON parse pgshift itself uses;
- pgshift, cold: the whole ``pgshift lint DIR --no-cache`` command, and the same
  lint in process (no interpreter start);
- pgshift, re-run: the whole command with the cache warm (files unchanged);
- squawk: the whole ``squawk FILES`` command.

Ratios are to the bare parse. Nothing here asserts a time.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

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
        import json

        print(f"pgshift findings: {len(json.loads(findings.stdout)['findings'])}")
        print("targets: cold lint ≤ 2× the bare parse; a cached re-run faster than squawk")


if __name__ == "__main__":
    main()
