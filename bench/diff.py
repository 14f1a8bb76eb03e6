"""Diff two 1,000-table databases that differ in 50 places: pgshift against migra.

    python -m pip install -e . migra psycopg2-binary
    python bench/diff.py --url postgresql://postgres@127.0.0.1:5432/postgres

Builds two databases from the schema of bench/inspect.py (``--tables`` tables with
views and functions); the second gets 50 changes (columns added, dropped and
retyped, defaults changed, indexes added and dropped, tables added and dropped).
Then times, taking turns (``--repeat`` rounds, medians): the whole ``pgshift diff
--from A --to B`` command, pgshift's diff in process (both models read, the script
made), and the whole ``migra --unsafe A B`` command when migra is installed. Each
tool's script is then applied to a copy of A, and the copy's model compared with
B's: the figure counts only if the result is right. Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402

from pgshift.schema.compare import compare  # noqa: E402
from pgshift.schema.introspect import inspect  # noqa: E402
from pgshift.schema.model import Schema  # noqa: E402
from pgshift.schema.sql import diff_script  # noqa: E402


def _inspect_bench() -> Any:
    """bench/inspect.py, loaded by path: its name is the standard library's."""
    path = Path(__file__).resolve().parent / "inspect.py"
    spec = importlib.util.spec_from_file_location("pgshift_bench_inspect", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def schema_sql(tables: int) -> str:
    """The generated schema of bench/inspect.py."""
    return str(_inspect_bench().schema_sql(tables))


def changes(tables: int, seed: int = 11) -> list[str]:
    """50 changes, on tables that no view reads (so each is one statement for both tools)."""
    rng = random.Random(seed)
    plain = [t for t in range(2, tables + 1) if t % 20 != 0]
    picked = rng.sample(plain, 50)
    out = []
    for n, t in enumerate(picked):
        kind = n % 10
        if kind in (0, 1):
            out.append(f"ALTER TABLE t{t} ADD COLUMN extra_{n} text")
        elif kind == 2:
            out.append(f"ALTER TABLE t{t} DROP COLUMN c3")
        elif kind == 3:
            out.append(f"CREATE INDEX t{t}_id_c2_idx ON t{t} (id, c2)")
        elif kind == 4:
            out.append(f"DROP INDEX t{t}_c0_idx")
        elif kind == 5:
            out.append(f"ALTER TABLE t{t} ADD COLUMN amount_{n} numeric(12,2) NOT NULL DEFAULT 0")
        elif kind == 6:
            out.append(f"COMMENT ON TABLE t{t} IS 'changed {n}'")
        elif kind == 7:
            out.append(f"CREATE TABLE new_{n} (id bigint PRIMARY KEY, t_id bigint REFERENCES t{t})")
        elif kind == 8:
            out.append(f"ALTER TABLE t{t} ALTER COLUMN c0 SET NOT NULL")
        else:
            out.append(f"ALTER TABLE t{t} ADD CONSTRAINT t{t}_id_positive CHECK (id > 0)")
    return out


def create(admin: str, name: str, script: str) -> str:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_conninfo(admin, dbname=name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(script.encode())
    return url


def as_url(conninfo: str) -> str:
    """A postgresql:// URL (migra takes only those)."""
    params = conninfo_to_dict(conninfo)
    user = params.get("user", "postgres")
    host = params.get("host", "localhost")
    port = params.get("port", "5432")
    return f"postgresql://{user}@{host}:{port}/{params['dbname']}"


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1, 2) or (result.returncode == 2 and not result.stdout):
        raise RuntimeError(f"{command[0]} failed: {result.stderr[-2000:]}")
    return seconds, result.stdout


def applied_right(admin: str, base: str, script: str, target_url: str) -> str:
    """Apply ``script`` to a copy of A; 'yes' when its model then equals B's."""
    copy = create(admin, "pgshift_bench_diff_copy", base)
    try:
        with psycopg.connect(copy, autocommit=True) as conn:
            conn.execute(script.encode())
            after = inspect(conn)
        with psycopg.connect(target_url) as conn:
            wanted = inspect(conn)
        left = compare(wanted, after)
        return "yes" if not left else f"no ({len(left)} differences, e.g. {left[0].describe()})"
    except psycopg.Error as exc:
        return f"no (the script fails: {str(exc).splitlines()[0]})"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS pgshift_bench_diff_copy WITH (FORCE)")


def model(url: str) -> Schema:
    """A database's model, read as ``pgshift diff`` reads it (two connections)."""
    with (
        psycopg.connect(url, autocommit=True) as conn,
        psycopg.connect(url, autocommit=True) as helper,
    ):
        return inspect(conn, helper=helper)


def models(a: str, b: str) -> tuple[Schema, Schema]:
    """Both models, read at once."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        other = pool.submit(model, b)
        return model(a), other.result()


def main() -> None:
    # every command runs as users run it, from bytecode compiled once: with this set,
    # each Python process would compile its sources again
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    base = schema_sql(args.tables)
    edits = changes(args.tables)
    a = create(args.url, "pgshift_bench_diff_a", base)
    b = create(args.url, "pgshift_bench_diff_b", base + "\n" + ";\n".join(edits) + ";")
    a_url, b_url = as_url(a), as_url(b)
    beside = Path(sys.executable).parent / "migra"  # a venv's scripts, not always on PATH
    migra = str(beside) if beside.exists() else shutil.which("migra")
    pgshift_cmd = [sys.executable, "-m", "pgshift", "diff", "--from", a_url, "--to", b_url,
                   "--allow-destructive"]  # fmt: skip
    figures: dict[str, list[float]] = {"pgshift diff (command)": [], "pgshift, in process": []}
    if migra:
        figures["migra --unsafe (command)"] = []
    scripts: dict[str, str] = {}
    try:
        for _ in range(args.repeat):
            seconds, out = timed(pgshift_cmd)
            figures["pgshift diff (command)"].append(seconds)
            scripts["pgshift"] = out
            started = time.perf_counter()
            script = diff_script(*models(a, b), allow_destructive=True)
            figures["pgshift, in process"].append(time.perf_counter() - started)
            if migra:
                seconds, out = timed([migra, "--unsafe", a_url, b_url])
                figures["migra --unsafe (command)"].append(seconds)
                scripts["migra"] = out
        print(f"{args.tables} tables, {len(edits)} differences; medians of {args.repeat} rounds")
        medians = {k: statistics.median(v) for k, v in figures.items()}
        floor = medians.get("migra --unsafe (command)")
        for label, median in medians.items():
            ratio = (
                f"{floor / median:>6.2f}× faster than migra"
                if floor and "migra" not in label
                else ""
            )
            print(f"{label:28} {median * 1000:>8.0f} ms  {ratio}")
        print(f"pgshift's script ({len(script.steps)} steps) applied to A makes B: "
              + applied_right(args.url, base, scripts["pgshift"], b))  # fmt: skip
        if migra:
            print("migra's script applied to A makes B: "
                  + applied_right(args.url, base, scripts["migra"], b))  # fmt: skip
        else:
            print("migra is not installed (pip install migra psycopg2-binary): no peer figure")
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            for name in ("pgshift_bench_diff_a", "pgshift_bench_diff_b"):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


if __name__ == "__main__":
    main()
