"""The package's shape holds: data flows down the layers, the CLI is imported by nothing,
every module and subpackage has its place, and no module outgrows a reader."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "pgshift"
# the rules are one module each and may grow with their documentation
LONG_ALLOWED = (PACKAGE / "lint" / "rules",)
MOST_LINES = 500


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _lint_imports(source: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if tool is None:
        pytest.skip("import-linter is not installed (it comes with the test extra)")
    return subprocess.run(
        [tool, str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=source.parent,
        env={"PYTHONPATH": str(source.parent), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("schema/model.py", "import pgshift.migrations.runner"),  # a lower layer reaching up
        ("db/connection.py", "import pgshift.cli"),  # anyone importing the CLI
        ("testing/databases.py", "from pgshift.cli import main"),  # a sibling of the CLI
        ("migrations/plan.py", "import pgshift.safety.backup"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, module: str, line: str) -> None:
    # the contracts are only worth having if they catch the imports they forbid
    copy = tmp_path / "src" / "pgshift"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout


def test_every_subpackage_and_top_module_has_a_layer() -> None:
    named: set[str] = set()
    for contract in _contracts():
        if contract["type"] == "layers":
            for layer in contract["layers"]:  # type: ignore[attr-defined]
                named.update(part.strip() for part in re.split(r"[|:]", layer))
    found = {
        f"pgshift.{p.stem}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert found - named == set(), "give each new module or subpackage a layer in pyproject.toml"
    assert named - found == set(), "a layer names a module that does not exist"


def test_no_module_outgrows_a_reader() -> None:
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if not any(path.is_relative_to(allowed) for allowed in LONG_ALLOWED)
        and (count := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}, f"split these modules along their seams (at most {MOST_LINES} lines)"
