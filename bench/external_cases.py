"""Turn other projects' schema-diff test suites into case folders for bench/diff_cases.py.

    python bench/external_cases.py --sqldef ../sqldef --migra ../migra --apgdiff ../apgdiff \\
        --out /tmp/external-cases --server-version 15
    python bench/diff_cases.py /tmp/external-cases --url postgresql://postgres@127.0.0.1:5432/postgres

Each source is a checkout of that project (``git clone``); none is needed, give the ones you
have. A case becomes a folder ``<suite>__<name>`` holding ``a.sql`` (the schema before) and
``b.sql`` (the schema wanted):

- sqldef (``cmd/psqldef/tests_*.yml``): ``current`` → ``desired``, and, for a case with an
  ``up``/``down`` pair, the way back (``…__down``: ``desired`` → ``current``) as well. Left
  out: cases that expect an error, that need a role, a flavor or managed roles, or another
  server version than ``--server-version``, and cases that set ``enable_drop: false`` or a
  ``manage:`` block (the judgement is "the same schema after", which those do not ask for).
- migra (``tests/FIXTURES/*/a.sql``, ``b.sql``): as they are.
- apgdiff (``src/test/resources/cz/startnet/utils/pgdiff/*_original.sql``, ``*_new.sql``).

A case whose files fail to load is "not runnable" for both tools in diff_cases.py, so old
syntax (``WITH OIDS``) costs neither tool.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import yaml
except ImportError:  # pragma: no cover - the script says what to install
    yaml = None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def sqldef_cases(root: Path, server: int) -> Iterator[tuple[str, str, str]]:
    """(name, a, b) of every sqldef PostgreSQL case that asks only for "the same schema"."""
    if yaml is None:
        raise SystemExit("the sqldef suite is YAML: python -m pip install pyyaml")
    for path in sorted((root / "cmd" / "psqldef").glob("tests*.yml")):
        if "aurora" in path.name:
            continue
        suite = path.stem.removeprefix("tests_").removeprefix("tests")
        cases: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text()) or {}
        for name, case in cases.items():
            if not isinstance(case, dict):
                continue
            if any(k in case for k in ("error", "user", "managed_roles", "manage", "flavor")):
                continue
            if case.get("enable_drop") is False:
                continue
            if "min_version" in case and _version(case["min_version"])[0] > server:
                continue
            if "max_version" in case and _version(case["max_version"])[0] < server:
                continue
            current = case.get("current") or ""
            desired = case.get("desired") or ""
            tag = f"sqldef_{suite}__{name}" if suite else f"sqldef__{name}"
            yield tag, current, desired
            if "down" in case and current.strip():
                yield f"{tag}__down", desired, current


def migra_cases(root: Path) -> Iterator[tuple[str, str, str]]:
    for folder in sorted((root / "tests" / "FIXTURES").iterdir()):
        a, b = folder / "a.sql", folder / "b.sql"
        if a.is_file() and b.is_file():
            yield f"migra__{folder.name}", a.read_text(), b.read_text()


def apgdiff_cases(root: Path) -> Iterator[tuple[str, str, str]]:
    folder = root / "src" / "test" / "resources" / "cz" / "startnet" / "utils" / "pgdiff"
    for original in sorted(folder.glob("*_original.sql")):
        new = original.with_name(original.name.replace("_original.sql", "_new.sql"))
        if new.is_file():
            name = original.name.removesuffix("_original.sql")
            yield (
                f"apgdiff__{name}",
                original.read_text(errors="replace"),
                new.read_text(errors="replace"),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqldef", type=Path, help="a checkout of github.com/sqldef/sqldef")
    parser.add_argument("--migra", type=Path, help="a checkout of github.com/djrobstep/migra")
    parser.add_argument("--apgdiff", type=Path, help="a checkout of github.com/fordfrog/apgdiff")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write (replaced)")
    parser.add_argument("--server-version", type=int, default=15, help="the server's major")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    counts: dict[str, int] = {}
    sources: list[tuple[str, Iterator[tuple[str, str, str]]]] = []
    if args.sqldef:
        sources.append(("sqldef", sqldef_cases(args.sqldef, args.server_version)))
    if args.migra:
        sources.append(("migra", migra_cases(args.migra)))
    if args.apgdiff:
        sources.append(("apgdiff", apgdiff_cases(args.apgdiff)))
    for suite, cases in sources:
        for name, a, b in cases:
            folder = args.out / re.sub(r"[^\w.-]", "_", name)
            folder.mkdir()
            (folder / "a.sql").write_text(a)
            (folder / "b.sql").write_text(b)
            counts[suite] = counts.get(suite, 0) + 1
    for suite, count in counts.items():
        print(f"{suite}: {count} cases")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
