"""What a command imports before it does anything: modules loaded and their import time.

Runs ``python -X importtime -m pgshift ARGS`` for a few commands, on this tree and,
with ``--against REV``, on the tree of another git revision (extracted to a
temporary folder), the two taking turns; prints the medians and the ratios.

    python bench/imports.py --url postgresql://postgres@127.0.0.1:5432/postgres
    python bench/imports.py --against HEAD~5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": ["--help"],
    "status --help": ["status", "--help"],
    "lint": ["lint", "migrations"],
    "status": ["status"],
}


# a NamedTuple, not a dataclass: dataclasses imports inspect, which bench/inspect.py shadows
class Imports(NamedTuple):
    modules: int
    pgshift: int
    self_ms: float  # the sum of each module's own import time


def _run(src: Path, args: list[str], project: Path, url: str) -> Imports:
    env = {**os.environ, "PYTHONPATH": str(src), "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pgshift", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = [
        line.split("|")
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "self [us]" not in line
    ]
    names = [row[2].strip() for row in rows]
    return Imports(
        modules=len(names),
        pgshift=sum(1 for n in names if n == "pgshift" or n.startswith("pgshift.")),
        self_ms=sum(int(row[0].split(":")[1]) for row in rows) / 1000,
    )


def _extract(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "src"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PGSHIFT_TEST_URL", ""))
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with")
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    commands = dict(COMMANDS)
    if not options.url:
        del commands["status"]  # it needs a server: pass --url
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        (project / "migrations").mkdir(parents=True)
        (project / "migrations" / "0001_users.sql").write_text(
            "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n"
        )
        trees = {"this tree": ROOT / "src"}
        if options.against:
            trees[options.against] = _extract(options.against, Path(tmp) / "against")
        print(f"{'command':<16} {'tree':<12} {'modules':>8} {'pgshift':>8} {'import ms':>10}")
        for name, args in commands.items():
            seen: dict[str, list[Imports]] = {tree: [] for tree in trees}
            for _ in range(options.repeat):
                for tree, src in trees.items():  # taking turns: the machine's speed drifts
                    seen[tree].append(_run(src, args, project, options.url))
            medians = {}
            for tree, runs in seen.items():
                ms = statistics.median(r.self_ms for r in runs)
                medians[tree] = ms
                last = runs[-1]
                print(f"{name:<16} {tree:<12} {last.modules:>8} {last.pgshift:>8} {ms:>10.1f}")
            if options.against:
                ratio = medians[options.against] / medians["this tree"]
                print(f"{'':<16} {'ratio':<12} {'':>8} {'':>8} {ratio:>9.2f}x")


if __name__ == "__main__":
    main()
