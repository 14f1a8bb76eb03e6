"""The diff engine on golden cases: ``tests/cases/diff/<case>/a.sql`` and ``b.sql``.

For each case, a and b are loaded into two databases; the script that takes a's
model to b's is applied to a; a's model must then equal b's. A case whose folder
holds ``expect.txt`` also checks that each of its lines appears in the script (a
rename must be a rename), and ``refused.txt`` that the diff is refused without
``allow_destructive``.

Before the script runs, a's tables get rows (``tests/schema/rows.py``: made from the
catalog, or the case's own ``rows.sql``), each also put into b where b can hold it;
after it, every such row must still be in a as b holds it, and no table may have fewer
rows, unless a destructive step of the script drops the table or column, or the case's
``lossy.txt`` lists it (``schema.table`` or ``schema.table.column``, a's names).

A case whose folder holds ``unwritten.txt`` is one no script can finish (a column wanted
in the middle of its table): the script must say each of its lines as a difference it
does not write, a must then differ from b in exactly those objects, and a second diff
must write nothing more and say them again.
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
from tests.schema import rows

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


# What a case's SQL needs of the server, by the version that brought it: such a case is
# skipped on an older server, saying so, never passed without running.
_NEEDS = (
    (r"\bVIRTUAL\b", 180000, "virtual generated columns came with PostgreSQL 18"),
    (r"\bNULLS\s+NOT\s+DISTINCT\b", 150000, "NULLS NOT DISTINCT came with PostgreSQL 15"),
    (r"\bsecurity_invoker\b", 150000, "security_invoker views came with PostgreSQL 15"),
    (r"\bCOMPRESSION\b", 140000, "column COMPRESSION came with PostgreSQL 14"),
    (
        r"\bBEGIN\s+ATOMIC\b|\bRETURN\b",
        140000,
        "SQL-standard function bodies (BEGIN ATOMIC, RETURN) came with PostgreSQL 14",
    ),
    (
        r"\bCREATE\s+STATISTICS\b[^;]*\bON\b[^;]*\(",
        140000,
        "statistics on expressions came with PostgreSQL 14",
    ),
    (
        r"\bALTER\s+STATISTICS\b[^;]*\bSET\s+STATISTICS\b",
        130000,
        "ALTER STATISTICS ... SET STATISTICS came with PostgreSQL 13",
    ),
    (
        r"\bDROP\s+EXPRESSION\b",
        130000,
        "ALTER COLUMN ... DROP EXPRESSION came with PostgreSQL 13: before it, a generated"
        " column cannot be made plain in place",
    ),
)


def _plain_sql(text: str) -> str:
    """``text`` without its quoted bodies and strings, and comments: a PL/pgSQL
    ``RETURN`` is no SQL-standard body, a comment's words no feature."""
    text = re.sub(r"\$(\w*)\$.*?\$\1\$", "''", text, flags=re.S)
    text = re.sub(r"--[^\n]*", "", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def _before_row_trigger_on_partitioned(text: str) -> bool:
    partitioned = set(re.findall(r"CREATE TABLE (\w+) \([^;]*\) PARTITION BY", text, re.I))
    triggered = re.findall(r"\bBEFORE\b[^;]*?\bON\s+(\w+)\s+FOR\s+EACH\s+ROW\b", text, re.I)
    return bool(partitioned.intersection(triggered))


def _server_version(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.info.server_version


def _skip_unavailable(url: str, folder: Path) -> None:
    """A case using what the server is too old for, about an extension (or a version of
    it) the server does not ship, or about ICU collations on a server built without ICU,
    is skipped, saying which."""
    texts = "".join((folder / name).read_text() for name in ("a.sql", "b.sql"))
    # the script's own words: a case may need a statement only the diff writes
    expect = folder / "expect.txt"
    plain = _plain_sql(texts) + (expect.read_text() if expect.exists() else "")
    version = _server_version(url)
    for pattern, needed, reason in _NEEDS:
        if version < needed and re.search(pattern, plain, re.I):
            pytest.skip(reason)
    if version < 130000 and _before_row_trigger_on_partitioned(plain):
        pytest.skip("BEFORE row triggers on partitioned tables came with PostgreSQL 13")
    if re.search(r"provider\s*=\s*icu", texts, re.I):
        with psycopg.connect(url) as conn:  # rolled back: a probe only
            try:
                conn.execute("CREATE COLLATION pgshift_icu_probe (provider = icu, locale = 'und')")
            except psycopg.errors.FeatureNotSupported:
                pytest.skip("this server is built without ICU")
            conn.rollback()
    wanted = set(re.findall(r"CREATE EXTENSION (?:IF NOT EXISTS )?(\w+)", texts, re.I))
    if not wanted:
        return
    versions = re.findall(
        r"CREATE EXTENSION (?:IF NOT EXISTS )?(\w+)[^;]*?\bVERSION\s+'([^']+)'", texts, re.I
    )
    with psycopg.connect(url) as conn:
        shipped = conn.execute(
            "SELECT name, version FROM pg_available_extension_versions WHERE name = ANY(%s)",
            (sorted(wanted),),
        ).fetchall()
    missing = wanted - {str(r[0]) for r in shipped}
    if missing:
        pytest.skip(f"this server has no {', '.join(sorted(missing))} extension")
    for name, wanted_version in versions:
        if (name, wanted_version) not in {(str(n), str(v)) for n, v in shipped}:
            pytest.skip(f"this server has no version {wanted_version} of the {name} extension")


def _fill(a: str, b: str, folder: Path, effects: rows.Effects) -> rows.Filler:
    """Rows into a's tables (the case's ``rows.sql`` first), and into b where they fit."""
    with (
        psycopg.connect(a, autocommit=True) as a_conn,
        psycopg.connect(b, autocommit=True) as b_conn,
    ):
        given = folder / "rows.sql"
        if given.exists():
            a_conn.execute(given.read_text().encode())
        filler = rows.Filler(a_conn, b_conn, effects)
        filler.fill()
    return filler


@pytest.mark.parametrize("case", _cases())
def test_the_script_takes_a_to_b(
    case: str, new_db: Callable[[], str], record_property: Callable[[str, object], None]
) -> None:
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
    said = "\n".join(d.describe() for d in script.unwritten)
    unwritten = folder / "unwritten.txt"
    expected_unwritten = unwritten.read_text().splitlines() if unwritten.exists() else []
    # every difference is written or said: none is left out silently
    assert bool(script.unwritten) == bool(expected_unwritten), said
    for line in expected_unwritten:
        if line.strip():
            assert line.strip() in said, said
    expect = folder / "expect.txt"
    if expect.exists():
        for line in expect.read_text().splitlines():
            if line.strip():
                assert line.strip() in script.sql, script.sql
    effects = rows.Effects.of(script.steps)
    filler = _fill(a, b, folder, effects)
    with psycopg.connect(a, autocommit=True) as conn:
        for step in script.steps:
            try:
                conn.execute(step.sql.encode())
            except psycopg.Error as exc:
                pytest.fail(
                    f"{case}: {step.sql}\n-> {exc}\n(rows in a: {filler.summary()})"
                    f"\n\nwhole script:\n{script.sql}"
                )
    left = compare(target, _model(a))
    named = {(d.kind, d.name) for d in left}
    assert named == {(d.kind, d.name) for d in script.unwritten}, "\n".join(
        d.describe("b", "a after the script") for d in left
    ) + (f"\n\nscript:\n{script.sql}")
    # and the script is complete: nothing more to do, and what it cannot do said again
    again = diff_script(_model(a), target, allow_destructive=True)
    assert again.steps == ()
    assert {(d.kind, d.name) for d in again.unwritten} == named
    # and the rows of a that b can hold are all still there
    losses = folder / "lossy.txt"
    expected_losses = rows.lossy(losses.read_text()) if losses.exists() else set()
    with psycopg.connect(a, autocommit=True) as conn:
        checked = rows.check(conn, case, filler.filled, effects, expected_losses, filler.a_tables)
    for name, value in filler.report(checked).items():
        record_property(name, value)
    assert not checked.problems, "\n".join(checked.problems) + f"\n\nscript:\n{script.sql}"


def test_there_are_enough_cases() -> None:
    assert len(_cases()) >= 60


def test_the_row_check_names_what_was_lost(new_db: Callable[[], str]) -> None:
    """The check itself: values changed in a renamed column, then a row gone, are each
    named with the case, the table, the column and the step on it; ``lossy.txt`` lets
    the column's values go."""
    case, folder = "column_rename", CASES / "column_rename"
    a, b = new_db(), new_db()
    _load(a, folder / "a.sql")
    _load(b, folder / "b.sql")
    script = diff_script(_model(a), _model(b), allow_destructive=True)
    effects = rows.Effects.of(script.steps)
    filler = _fill(a, b, folder, effects)
    assert [len(filler.rows[f.table]) for f in filler.filled] == [rows.ROWS_PER_TABLE]
    with psycopg.connect(a, autocommit=True) as conn:
        for step in script.steps:
            conn.execute(step.sql.encode())

        def problems(losses: str = "") -> list[str]:
            listed = rows.lossy(losses)
            return rows.check(conn, case, filler.filled, effects, listed, filler.a_tables).problems

        assert problems() == []
        conn.execute("UPDATE people SET display_name = display_name || '!'")
        [lost] = problems()
        assert lost.startswith(f"{case}: table public.people: column fullname (now display_name)")
        assert "RENAME COLUMN fullname TO display_name" in lost
        assert problems("public.people.fullname  # its values may change\n") == []
        conn.execute("DELETE FROM people WHERE id = (SELECT min(id) FROM people)")
        fewer = f"{rows.ROWS_PER_TABLE} rows before the script, {rows.ROWS_PER_TABLE - 1} after"
        assert any(fewer in p for p in problems())
