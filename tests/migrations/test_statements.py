"""Splitting SQL into statements: comment ends, empty statements, lines, chunks, linearity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pglast import parser

from pgshift.errors import SqlError
from pgshift.migrations import statements as statements_module
from pgshift.migrations.sections import Section
from pgshift.migrations.statements import Statement, split


def _split(text: str, first_line: int = 1) -> tuple[Statement, ...]:
    return split(Section(text, Path("m.sql"), first_line))


def _follow(statement: Statement) -> tuple[str, ...]:
    """The statements pglast finds when more SQL is appended, as the runner does."""
    return tuple(parser.split(statement.sql + ";\nSELECT 2"))


# -- a statement can always be followed by more SQL ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ALTER TABLE t ADD COLUMN created_at timestamptz DEFAULT now() -- why we need it\n;\n",
        "ALTER TABLE t ADD COLUMN created_at timestamptz DEFAULT now() -- why we need it",
        "ALTER TABLE t ADD COLUMN created_at timestamptz DEFAULT now() -- why\n-- and more\n",
        "ALTER TABLE t ADD COLUMN created_at timestamptz -- été 🎉\n;",
    ],
)
def test_a_statement_that_ends_in_a_line_comment_ends_with_its_line_break(text: str) -> None:
    (statement,) = _split(text)
    assert statement.sql.endswith("\n")
    assert len(_follow(statement)) == 2


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 1 /* a block comment */",
        "SELECT 1 /* nested /* block */ comment -- with dashes */\n;",
        "SELECT 1 /* a block comment\n   on two lines */",
    ],
)
def test_a_statement_that_ends_in_a_block_comment_can_be_followed(text: str) -> None:
    (statement,) = _split(text)
    assert not statement.sql.endswith("\n")
    assert len(_follow(statement)) == 2


@pytest.mark.parametrize(
    "text",
    ["SELECT 'a--b'", 'SELECT 1 AS "x--y"', "SELECT $$ -- $$", "SELECT 1 -- c\n + 2"],
)
def test_dashes_that_are_no_comment_at_the_end_add_nothing(text: str) -> None:
    (statement,) = _split(text)
    assert statement.sql == text
    assert len(_follow(statement)) == 2


# -- edges -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [";", ";;\n;", "  ;  \n", "-- only a comment\n;", "/* c */;"])
def test_a_file_of_nothing_but_semicolons_and_comments_has_no_statement(text: str) -> None:
    with pytest.raises(SqlError, match="no SQL statement found") as failure:
        _split(text, first_line=4)
    assert failure.value.line == 4


@pytest.mark.parametrize("tail", ["\n-- dangling", "\n-- dangling\n", "\n/* dangling */\n", "\n"])
def test_a_dangling_comment_after_the_last_statement_is_no_statement(tail: str) -> None:
    (statement,) = _split("SELECT 1;" + tail)
    assert statement.sql == "SELECT 1"


def test_an_unterminated_block_comment_at_the_end_is_an_error_at_its_line() -> None:
    with pytest.raises(SqlError, match="unterminated /\\* comment") as failure:
        _split("SELECT 1;\nSELECT 2;\n/* never closed\nSELECT 3;\n")
    assert failure.value.line == 3


def test_empty_statements_between_semicolons_are_skipped() -> None:
    found = _split("SELECT 1;;\n;\nSELECT 2;;SELECT 3\n;\n")
    assert [(s.sql, s.line) for s in found] == [("SELECT 1", 1), ("SELECT 2", 3), ("SELECT 3", 3)]


def test_lines_after_multibyte_text_and_a_very_long_line() -> None:
    long_value = "é" * 150_000  # longer than a chunk, in characters and more so in bytes
    text = (
        "-- 日本語のコメント 🎉\n"
        "INSERT INTO t VALUES ('ünïcödé 🎉');\n"
        f"INSERT INTO t VALUES ('{long_value}');\n"
        "\n"
        "INSERT INTO t VALUES ('x'), -- 𝔘𝔫𝔦𝔠𝔬𝔡𝔢\n"
        "  ('y');\n"
        "SELECT 'after';\n"
    )
    found = _split(text, first_line=10)
    assert [s.line for s in found] == [11, 12, 14, 16]
    assert found[1].sql == f"INSERT INTO t VALUES ('{long_value}')"
    assert found[3].sql == "SELECT 'after'"


def test_a_syntax_error_after_multibyte_text_names_its_line() -> None:
    text = "".join(f"INSERT INTO t VALUES ('{'ü' * 50} {i}');\n" for i in range(5000))
    with pytest.raises(SqlError, match="syntax error") as failure:
        _split(text + "SELECT 'ok';\nSELEC 1;\n", first_line=3)
    assert failure.value.line == 5000 + 1 + 3


def test_copy_to_stdout_is_refused_at_its_line() -> None:
    with pytest.raises(SqlError, match="TO STDOUT") as failure:
        _split("SELECT 1;\nCOPY t TO STDOUT;\n")
    assert failure.value.line == 2
    assert [s.node for s in _split("COPY t FROM '/srv/t.csv';")] == ["CopyStmt"]


# -- chunks ------------------------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements_module, "_CHUNK", 32)


def _facts(found: tuple[Statement, ...]) -> list[tuple[object, ...]]:
    return [
        (s.sql, s.line, s.node, s.outside_transaction, s.session_setting, s.concurrent_index)
        for s in found
    ]


ATOMIC = (
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
    "BEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\n  SELECT 3;\n  SELECT 4;\nEND;\n"
)


@pytest.mark.usefixtures("small_chunks")
def test_a_semicolon_inside_begin_atomic_does_not_end_a_chunk() -> None:
    found = _split("SELECT 0;\n" + ATOMIC + "SELECT 5;\n")
    assert [(s.node, s.line) for s in found] == [
        ("SelectStmt", 1),
        ("CreateFunctionStmt", 2),
        ("SelectStmt", 9),
    ]
    assert found[1].sql.endswith("END")


@pytest.mark.usefixtures("small_chunks")
def test_chunk_ends_inside_strings_and_comments() -> None:
    text = (
        "SELECT 'a string; with semicolons\n; and lines';\n"
        "/* a comment; with\n; semicolons */ SELECT 2;\n"
        "SELECT $body$ ; $body$;\n"
        'SELECT 1 AS "a;\nname";\n'
        "SELECT 3 -- a comment; with a semicolon\n;\n"
    )
    assert _facts(_split(text)) == _facts(_parse_whole(text))


def _parse_whole(text: str) -> tuple[Statement, ...]:
    """``split`` with the whole text as one chunk."""
    saved = statements_module._CHUNK
    statements_module._CHUNK = len(text) + 1
    try:
        return _split(text)
    finally:
        statements_module._CHUNK = saved


PIECES = st.sampled_from(
    [
        "SELECT 1",
        "SELECT 'é; ü'",
        "SELECT 'two\nlines'",
        "SELECT 1 -- trailing; comment\n",
        "/* lead; ing */ SELECT 2",
        "SELECT $$ a; b $$",
        "SET search_path = public",
        "CREATE INDEX CONCURRENTLY i ON t (x)",
        "INSERT INTO t VALUES ('🎉', 'x')",
        ATOMIC.rstrip(";\n"),
    ]
)
GAPS = st.sampled_from([";\n", ";", ";\n\n", "\n;\n", ";;\n", "; -- note\n", ";\n-- 日本\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(PIECES, GAPS), min_size=1, max_size=12), st.integers(8, 80))
def test_any_chunk_size_gives_the_statements_of_one_whole_parse(
    pieces: list[tuple[str, str]], chunk: int
) -> None:
    text = "".join(piece + gap for piece, gap in pieces)
    whole = _facts(_parse_whole(text))
    saved = statements_module._CHUNK
    statements_module._CHUNK = chunk
    try:
        chunked = _facts(_split(text))
    finally:
        statements_module._CHUNK = saved
    assert chunked == whole
    assert [line for _, line, *_ in whole] == _expected_lines(pieces)


def _expected_lines(pieces: list[tuple[str, str]]) -> list[int]:
    lines, line = [], 1
    for piece, gap in pieces:
        lead = piece.split("*/ ", 1)[0].count("\n") if piece.startswith("/*") else 0
        lines.append(line + lead)
        line += piece.count("\n") + gap.count("\n")
    return lines


# -- trees ---------------------------------------------------------------------------------


def test_a_small_file_keeps_its_trees_and_a_big_one_parses_them_again_on_demand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN note text;\n"
    small = _split(text)
    assert all(s.parsed is not None for s in small)
    monkeypatch.setattr(statements_module, "KEEP_TREES", 10)
    big = _split(text)
    assert all(s.parsed is None for s in big)
    assert [_no_locations(s.tree) for s in big] == [_no_locations(s.tree) for s in small]
    assert big[1].tree["relation"]["relname"] == "t"


def _no_locations(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _no_locations(v) for k, v in tree.items() if "location" not in k}
    if isinstance(tree, list):
        return [_no_locations(v) for v in tree]
    return tree


# -- linear in the size of the text ----------------------------------------------------------


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Record the length of the text of each call to ``pglast.parser.<name>``."""
    sizes: list[int] = []
    original: Callable[..., Any] = getattr(parser, name)

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        sizes.append(len(text))
        return original(text, *args, **kwargs)

    monkeypatch.setattr(parser, name, counted)
    return sizes


def _data_migration(rows: int) -> str:
    return "".join(
        f"INSERT INTO items (id, name, payload) VALUES ({i}, 'name {i}', '{'x' * 56}');\n"
        for i in range(rows)
    )


def test_splitting_reads_each_character_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The parser and the scanner each see every character about once, whatever the
    size: no call grows with the file, and the work grows as the text (no timing)."""
    parsed = _counting(monkeypatch, "parse_sql_json")
    scanned = _counting(monkeypatch, "split")
    work = []
    for rows in (2_000, 8_000):
        parsed.clear()
        scanned.clear()
        text = _data_migration(rows)
        assert len(_split(text)) == rows
        assert max(parsed) <= statements_module._CHUNK
        assert max(scanned) <= statements_module._CHUNK
        assert sum(parsed) <= len(text)
        assert sum(scanned) <= 1.1 * len(text)
        work.append(sum(parsed) + sum(scanned))
    assert 3.6 < work[1] / work[0] < 4.4


FACTS = """
BEGIN;
CREATE INDEX CONCURRENTLY i ON t (x);
DROP INDEX CONCURRENTLY i;
REINDEX (CONCURRENTLY) TABLE t;
VACUUM t;
ANALYZE t;
CREATE DATABASE d;
ALTER TABLE p DETACH PARTITION c CONCURRENTLY;
DO $$ BEGIN COMMIT; END $$;
DO $$ BEGIN PERFORM 1; END $$;
SET x.y = 1;
SET LOCAL x.y = 1;
DISCARD ALL;
ALTER SYSTEM SET work_mem = '1MB';
COPY t FROM '/srv/t.csv';
CREATE TABLE t (id int);
"""


def _all_facts(found: tuple[Statement, ...]) -> list[tuple[object, ...]]:
    return [
        (
            s.node,
            s.outside_transaction,
            s.transaction_control,
            s.session_setting,
            s.concurrent_index,
            s.concurrent_drop,
        )
        for s in found
    ]


def test_the_facts_are_the_same_whether_trees_are_kept_or_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = _all_facts(_split(FACTS))
    monkeypatch.setattr(statements_module, "KEEP_TREES", 0)
    assert _all_facts(_split(FACTS)) == kept
    assert [f[1] for f in kept] == [
        *(False, True, True, True, True, False, True, True, True),
        *(False, False, False, False, True, False, False),
    ]
    assert [f[0] for f in kept if f[2] or f[3]] == [
        "TransactionStmt",
        "VariableSetStmt",
        "DiscardStmt",
    ]
    assert kept[1][4] == "i"
    assert kept[2][5] is True


def test_a_big_file_keeps_no_parse_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements_module, "KEEP_TREES", 1000)
    found = _split(_data_migration(200))
    assert all(s.parsed is None for s in found)
    assert found[-1].tree["relation"]["relname"] == "items"


@pytest.mark.parametrize("sql", ["REPACK users;", "SELECT 1;\n-- next\nCRATE TABLE t (id int);"])
def test_a_command_the_parser_does_not_know_is_named(sql: str) -> None:
    with pytest.raises(SqlError, match=r"begins no statement that PostgreSQL \d+ knows") as e:
        split(Section(sql, Path("m.sql"), 1))
    assert "newer PostgreSQL" in e.value.hint


def test_a_syntax_error_inside_a_statement_is_the_parser_s_own() -> None:
    with pytest.raises(SqlError, match='syntax error at or near "\\("'):
        split(Section("CREATE TABLE (;", Path("m.sql"), 1))
