"""One quoting of identifiers: every name reads back as itself, wherever it is used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pglast import keywords, parser

from pgshift.db.quoting import ident, literal, quote

EVERY_KEYWORD = sorted(
    keywords.RESERVED_KEYWORDS
    | keywords.TYPE_FUNC_NAME_KEYWORDS
    | keywords.COL_NAME_KEYWORDS
    | keywords.UNRESERVED_KEYWORDS
)
ODD = ["Users", "naïve", "two words", 'say "hi"', "1st", "a$b", "x%y", "$$", "ok_name"]


def _column_and_function(sql: str) -> tuple[str, str]:
    tree = json.loads(parser.parse_sql_json(sql))
    table, function = (s["stmt"] for s in tree["stmts"])
    column = table["CreateStmt"]["tableElts"][0]["ColumnDef"]["colname"]
    name = function["CreateFunctionStmt"]["funcname"][-1]["String"]["sval"]
    return column, name


@pytest.mark.parametrize("name", EVERY_KEYWORD + ODD)
def test_a_quoted_name_reads_back_as_itself_as_a_column_and_a_function(name: str) -> None:
    q = quote(name)
    sql = (
        f"CREATE TABLE t ({q} int); "
        f"CREATE FUNCTION s.{q}() RETURNS int LANGUAGE sql AS $f$ SELECT 1 $f$;"
    )
    assert _column_and_function(sql) == (name, name)


def test_only_names_that_need_it_are_quoted() -> None:
    assert quote("users") == "users"
    assert quote("similar") == '"similar"'  # a type/function-name keyword
    assert quote("int") == '"int"'  # a column-name keyword: not a function or type name
    assert quote("Users") == '"Users"'
    assert quote('say "hi"') == '"say ""hi"""'
    assert ident("public", "order") == 'public."order"'


def test_literals_carry_quotes_percent_and_dollars() -> None:
    text = "it's 100% $$done$$"
    tree = json.loads(parser.parse_sql_json(f"SELECT {literal(text)}"))
    target = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    assert target["A_Const"]["sval"]["sval"] == text


def test_the_keyword_lists_are_pglasts_read_without_importing_pglast() -> None:
    # in a fresh interpreter: the lists are read from pglast's file, and pglast's
    # parser (40 ms of a diff's start) is never imported for them
    code = (
        "import sys, json\n"
        "from pgshift.db.quoting import _keywords, quote\n"
        "quote('select')\n"
        "print(json.dumps([sorted(_keywords()), 'pglast' in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    words, imported = json.loads(out)
    assert set(words) == (
        keywords.RESERVED_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS | keywords.COL_NAME_KEYWORDS
    )
    assert imported is False
