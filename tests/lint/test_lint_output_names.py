"""duplicate-column names a query's output columns as PostgreSQL does, or not at all.

An error-level finding on a view or a new table rests on those names: each one the rule
knows must be the server's own (a name it does not know is never a finding)."""

from __future__ import annotations

import json

import psycopg
from pglast import parser

from pgshift.lint.rules.duplicate_column import _columns

SETUP = """
CREATE TYPE point3 AS (x int, y int, tags text[]);
CREATE TABLE items (id int, tags int[], pos point3, "ID" int);
"""

EXPRESSIONS = [
    "id",
    "i.id",
    '"ID"',
    'U&"i\\0064"',
    "tags[1]",
    "i.tags[1:2]",
    "(pos).x",
    "(pos).tags[1]",
    "(i).*",
    "i.*",
    "*",
    "count(*)",
    "sum(id) OVER ()",
    "array_agg(id ORDER BY id)",
    "substring('abc', 1)",
    "trim(' a ')",
    "extract(year from now())",
    "now() AT TIME ZONE 'utc'",
    "1",
    "'x'",
    "null",
    "true",
    "-1",
    "id + 1",
    "-id",
    "id = 1",
    "id BETWEEN 1 AND 2",
    "'a' LIKE 'b'",
    "id IS DISTINCT FROM 1",
    "id IS NULL",
    "(id = 1) IS TRUE",
    "NOT (id = 1)",
    "id IN (SELECT 1)",
    "id::text",
    "1::int",
    "'x'::varchar(3)",
    "'a'::text::varchar",
    "CAST(id AS bigint)",
    "(id + 1)::int",
    "'{}'::int[]",
    "interval '1 day'",
    "'a' COLLATE \"C\"",
    'id::text COLLATE "C"',
    "CASE WHEN true THEN 1 END",
    "CASE WHEN true THEN 1 ELSE id END",
    "CASE WHEN true THEN 1 ELSE 2::int END",
    "ARRAY[1, 2]",
    "(ARRAY[1])[1]",
    "ARRAY(SELECT 1)",
    "EXISTS (SELECT 1)",
    "(SELECT 1)",
    "(SELECT id FROM items LIMIT 1)",
    "(SELECT id AS n FROM items LIMIT 1)",
    "(SELECT 1 AS z UNION SELECT 2)",
    "(VALUES (1))",
    "(SELECT i)",
    "ROW(1, 2)",
    "(1, 2)",
    "coalesce(id, 1)",
    "greatest(1, 2)",
    "least(1, 2)",
    "nullif(id, 1)",
    "current_date",
    "current_timestamp(3)",
    "localtimestamp",
    "current_user",
    "session_user",
    "user",
    "current_catalog",
    "current_schema",
    "xmlelement(name foo)",
    "xmlforest(1 AS x)",
    "xmlserialize(content '<a/>'::xml AS text)",
    "'<a/>'::xml IS DOCUMENT",
]


def test_every_output_name_the_rule_knows_is_the_servers(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SETUP)
        try:
            conn.execute("SELECT '<a/>'::xml")
            asked = EXPRESSIONS
        except psycopg.errors.FeatureNotSupported:  # a server built without libxml
            asked = [e for e in EXPRESSIONS if "xml" not in e]
        known = 0
        for expression in asked:
            sql = f"SELECT {expression}, 1 AS last FROM items i"
            cursor = conn.execute(f"{sql} LIMIT 0".encode())
            server = [d.name for d in cursor.description or ()]
            tree = json.loads(parser.parse_sql_json(sql))["stmts"][0]["stmt"]
            mine = _columns(tree)
            assert mine is not None, expression
            if ... in mine:  # a * stands for the table's columns: the rule knows none
                assert mine == [..., "last"], expression
                continue
            assert len(mine) == len(server), expression
            for name, real in zip(mine, server, strict=True):
                assert name is None or name == real, (expression, name, real)
                known += name is not None
        assert known > len(asked)  # most are known, not skipped
