"""The diff engine on golden cases: ``tests/cases/diff/<case>/a.sql`` and ``b.sql``.

For each case, a and b are loaded into two databases; the script that takes a's
model to b's is applied to a; a's model must then equal b's. A case whose folder
holds ``expect.txt`` also checks that each of its lines appears in the script (a
rename must be a rename), and ``refused.txt`` that the diff is refused without
``allow_destructive``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgshift.schema.compare import compare
from pgshift.schema.introspect import inspect
from pgshift.schema.model import Schema
from pgshift.schema.sql import DestructiveChange, diff_script
from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases" / "diff"


def _load(url: str, path: Path) -> None:
    text = path.read_text()
    if not text.strip():
        return
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(text.encode())


def _model(url: str) -> Schema:
    with psycopg.connect(url, autocommit=True) as conn:
        return inspect(conn)


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "a.sql").exists())


def _skip_unavailable(url: str, folder: Path) -> None:
    """A case about an extension the server does not ship is skipped, saying which."""
    wanted = set()
    for name in ("a.sql", "b.sql"):
        wanted |= set(
            re.findall(
                r"CREATE EXTENSION (?:IF NOT EXISTS )?(\w+)", (folder / name).read_text(), re.I
            )
        )
    if not wanted:
        return
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)", (sorted(wanted),)
        ).fetchall()
    missing = wanted - {str(r[0]) for r in rows}
    if missing:
        pytest.skip(f"this server has no {', '.join(sorted(missing))} extension")


@pytest.mark.parametrize("case", _cases())
def test_the_script_takes_a_to_b(case: str, new_db: Callable[[], str]) -> None:
    folder = CASES / case
    a, b = new_db(), new_db()
    _skip_unavailable(a, folder)
    _load(a, folder / "a.sql")
    _load(b, folder / "b.sql")
    source, target = _model(a), _model(b)
    assert compare(target, source), "a and b must differ"
    refused = folder / "refused.txt"
    if refused.exists():
        with pytest.raises(DestructiveChange) as stopped:
            diff_script(source, target)
        for line in refused.read_text().splitlines():
            if line.strip():
                assert line.strip() in stopped.value.message, stopped.value.message
    script = diff_script(source, target, allow_destructive=True)
    # every difference is written or said: none is left out silently
    assert script.unwritten == (), "\n".join(d.describe() for d in script.unwritten)
    expect = folder / "expect.txt"
    if expect.exists():
        for line in expect.read_text().splitlines():
            if line.strip():
                assert line.strip() in script.sql, script.sql
    with psycopg.connect(a, autocommit=True) as conn:
        for step in script.steps:
            try:
                conn.execute(step.sql.encode())
            except psycopg.Error as exc:
                pytest.fail(f"{case}: {step.sql}\n-> {exc}\n\nwhole script:\n{script.sql}")
    left = compare(target, _model(a))
    assert left == (), "\n".join(d.describe("b", "a after the script") for d in left) + (
        f"\n\nscript:\n{script.sql}"
    )
    # and the script is complete: nothing more to do
    assert diff_script(_model(a), target, allow_destructive=True).empty


def test_there_are_enough_cases() -> None:
    assert len(_cases()) >= 60
