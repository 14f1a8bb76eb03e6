"""What a command costs before its work: whole processes against the floor under them.

Each pair is a pgshift command and the least any Python program doing that job must
pay (the interpreter and the one library the job cannot do without), run as whole
processes, taking turns round by round; medians of ``--rounds`` runs:

- ``pgshift --help`` against ``python -c "import click"`` (the CLI framework alone);
- ``pgshift --version`` against the same floor;
- ``pgshift lint one.sql`` against ``python -c "import pglast; pglast.parse_sql('select 1')"``
  (the floor of any Python linter), with and without the lint cache;
- and, for scale, ``python -c pass`` (the interpreter alone) and ``squawk one.sql`` where
  it is installed (``pip install squawk-cli``).

    python bench/startup.py
    python bench/startup.py --rounds 31

The no-op ``migrate`` and ``status`` with 1,000 applied, against dbmate and the Python
peers, are ``bench/apply.py``; the whole ``diff`` command against migra is
``bench/diff.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

BIN = Path(sys.executable).parent
PY = sys.executable


def _pgshift() -> list[str]:
    """The console script users run, else the module."""
    script = BIN / "pgshift"
    return [str(script)] if script.exists() else [PY, "-m", "pgshift"]


def _time(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: findings, or a difference
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21, help="runs of each command")
    args = parser.parse_args()
    pgshift = _pgshift()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "one.sql").write_text(
            "ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX users_email ON users (email);\n"
        )
        env = {**os.environ, "NO_COLOR": "1", "PGSHIFT_LINT_CACHE": str(folder / "cache")}
        # as an installed package runs: compiled once, then loaded from bytecode (with
        # this set, every run would compile pgshift's sources again)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands: dict[str, list[str]] = {
            "python -c pass": [PY, "-c", "pass"],
            "python -c 'import click'": [PY, "-c", "import click"],
            "pgshift --help": [*pgshift, "--help"],
            "pgshift --version": [*pgshift, "--version"],
            "python -c 'import pglast; parse'": [
                PY,
                "-c",
                "import pglast; pglast.parse_sql('select 1')",
            ],
            "pgshift lint one.sql": [*pgshift, "lint", "one.sql"],
            "pgshift lint --no-cache one.sql": [*pgshift, "lint", "--no-cache", "one.sql"],
        }
        squawk = shutil.which("squawk") or (
            str(BIN / "squawk") if (BIN / "squawk").exists() else None
        )
        if squawk:
            commands["squawk one.sql"] = [squawk, "one.sql"]
        for command in commands.values():  # warm the disk cache and the lint cache
            _time(command, folder, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                times[name].append(_time(command, folder, env))
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    floors = {
        "pgshift --help": "python -c 'import click'",
        "pgshift --version": "python -c 'import click'",
        "pgshift lint one.sql": "python -c 'import pglast; parse'",
        "pgshift lint --no-cache one.sql": "python -c 'import pglast; parse'",
        "squawk one.sql": "python -c 'import pglast; parse'",
    }
    print(f"medians of {args.rounds} runs, whole processes ({sys.version.split()[0]})\n")
    print(f"{'command':<36} {'ms':>8}  {'x floor':>8}  floor")
    for name, ms in median.items():
        floor = floors.get(name)
        ratio = f"{ms / median[floor]:.2f}x" if floor else ""
        print(f"{name:<36} {ms:8.1f}  {ratio:>8}  {floor or ''}")


if __name__ == "__main__":
    main()
