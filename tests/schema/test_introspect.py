"""The model built from the catalogs, field by field, for a schema using most object kinds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgshift.schema.dump import render
from pgshift.schema.introspect import QUERIES, inspect, sizes
from pgshift.schema.model import Column, Grant, Schema
from tests.conftest import ROOT, run_cli

RICH = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive AS integer NOT NULL DEFAULT 1 CHECK (VALUE > 0);
CREATE TYPE address AS (street text, zip varchar(10));
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text COLLATE "C" NOT NULL,
    score positive,
    feeling mood DEFAULT 'ok',
    double_score integer GENERATED ALWAYS AS (score * 2) STORED,
    home address,
    CONSTRAINT accounts_email_key UNIQUE (email)
);
COMMENT ON TABLE accounts IS 'people who pay';
COMMENT ON COLUMN accounts.email IS 'login name';
CREATE TABLE orders (
    id serial PRIMARY KEY,
    account_id bigint,
    total numeric(10, 2) NOT NULL,
    during tstzrange,
    CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)
        ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT orders_no_overlap EXCLUDE USING gist (during WITH &&)
);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
CREATE INDEX orders_big ON orders (account_id) INCLUDE (total) WHERE total > 100;
CREATE UNLOGGED TABLE scratch (x int);
CREATE TABLE events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW rich AS SELECT id, email FROM accounts WHERE score > 10;
CREATE MATERIALIZED VIEW totals AS SELECT account_id, sum(total) AS total FROM orders GROUP BY 1;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.total := NEW.total; RETURN NEW; END $$;
CREATE FUNCTION double(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
CREATE PROCEDURE reset_scores() LANGUAGE sql AS 'UPDATE accounts SET score = 1';
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON accounts FOR SELECT TO PUBLIC USING (email = current_user);
GRANT SELECT ON accounts TO PUBLIC;
GRANT SELECT, INSERT ON orders TO PUBLIC;
REVOKE ALL ON FUNCTION double(integer) FROM PUBLIC;
GRANT USAGE ON SEQUENCE orders_id_seq TO PUBLIC;
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id int PRIMARY KEY, order_id int REFERENCES public.orders);
CREATE EXTENSION citext;
CREATE TABLE tags (
    id int PRIMARY KEY,
    label citext NOT NULL,
    account_id bigint,
    CONSTRAINT tags_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) MATCH FULL
);
CREATE INDEX tags_lower ON tags (lower(label::text), id DESC);
-- reads a view whose name sorts after its own: the dump must order them
CREATE VIEW a_rich_count AS SELECT count(*) AS n FROM rich;
-- takes a table's row type: created after the tables
CREATE FUNCTION tag_label(t tags) RETURNS text LANGUAGE sql STABLE AS 'SELECT t.label::text';
COMMENT ON SCHEMA billing IS 'money';
GRANT USAGE ON SCHEMA billing TO pgshift_test_reader WITH GRANT OPTION;
COMMENT ON TYPE mood IS 'how it went';
COMMENT ON DOMAIN positive IS 'above zero';
COMMENT ON TYPE address IS 'where';
REVOKE ALL ON TYPE mood FROM PUBLIC;
GRANT USAGE ON TYPE mood TO pgshift_test_reader;
COMMENT ON SEQUENCE orders_id_seq IS 'order numbers';
COMMENT ON FUNCTION double(integer) IS 'twice';
COMMENT ON INDEX orders_big IS 'big orders';
COMMENT ON CONSTRAINT orders_total_check ON orders IS 'no refunds here';
COMMENT ON TRIGGER orders_touch ON orders IS 'keeps total';
COMMENT ON POLICY own_rows ON accounts IS 'a row is its owner''s';
"""
# What only newer servers have, added when the server has it.
SINCE = {
    140000: "CREATE FUNCTION answer() RETURNS integer LANGUAGE sql BEGIN ATOMIC "
    "SELECT count(*)::integer FROM tags; END;",
    150000: "CREATE TABLE handles (h text, CONSTRAINT handles_h_key UNIQUE NULLS NOT DISTINCT (h))",
    180000: "ALTER TABLE orders ADD COLUMN half numeric GENERATED ALWAYS AS (total / 2) VIRTUAL;",
}


@pytest.fixture
def rich(db_url: str) -> tuple[Schema, str]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE pgshift_test_reader; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        conn.execute(RICH)
        for version, text in SINCE.items():
            if conn.info.server_version >= version:
                conn.execute(text)
        conn.execute("CREATE SCHEMA pgshift; CREATE TABLE pgshift.history (id int)")
        return inspect(conn), db_url


def test_tables_columns_and_comments(rich: tuple[Schema, str]) -> None:
    schema, _ = rich
    assert schema.schema_names == ("billing", "public")
    billing = schema.schemas[0]
    assert billing.comment == "money"
    assert billing.owner is not None
    assert billing.grants == (Grant("pgshift_test_reader", "USAGE", grantable=True),)
    names = [t.qualified for t in schema.tables]
    assert names == sorted(names)
    assert "pgshift.history" not in names
    accounts = schema.table("accounts")
    assert accounts is not None
    assert accounts.kind == "table"
    assert accounts.comment == "people who pay"
    assert accounts.row_security
    assert accounts.owner is not None
    assert [(g.grantee, g.privilege) for g in accounts.grants] == [("PUBLIC", "SELECT")]
    by_name = {c.name: c for c in accounts.columns}
    assert by_name["id"] == Column("id", "bigint", nullable=False, identity="always")
    assert by_name["email"].collation == "C"
    assert by_name["email"].comment == "login name"
    assert by_name["email"].nullable is False
    assert by_name["score"].type == "positive"
    assert by_name["feeling"].default == "'ok'::mood"
    assert by_name["double_score"].generated == "((score)::integer * 2)"
    assert by_name["double_score"].default is None
    assert by_name["home"].type == "address"
    assert [c.name for c in accounts.columns] == [
        "id", "email", "score", "feeling", "double_score", "home",
    ]  # fmt: skip


def test_constraints_and_indexes(rich: tuple[Schema, str]) -> None:
    schema, _ = rich
    orders = schema.table("orders")
    assert orders is not None
    constraints = {c.name: c for c in orders.constraints}
    fk = constraints["orders_account_fk"]
    assert fk.kind == "foreign key"
    assert fk.references == "public.accounts"
    assert fk.columns == ("account_id",)
    assert fk.referenced_columns == ("id",)
    assert (fk.on_delete, fk.on_update) == ("CASCADE", "SET NULL")
    assert fk.deferrable
    assert fk.deferred
    assert constraints["orders_total_check"].valid is False
    assert constraints["orders_total_check"].kind == "check"
    assert constraints["orders_no_overlap"].kind == "exclusion"
    assert constraints["orders_pkey"].columns == ("id",)
    indexes = {i.name: i for i in orders.indexes}
    assert indexes["orders_big"].predicate == "(total > (100)::numeric)"
    assert "INCLUDE (total)" in indexes["orders_big"].definition
    assert indexes["orders_no_overlap"].method == "gist"
    assert indexes["orders_pkey"].primary
    assert indexes["orders_pkey"].constraint == "orders_pkey"
    accounts = schema.table("public.accounts")
    assert accounts is not None
    referencing = schema.referencing(accounts)
    assert [(t.name, c.name) for t, c in referencing] == [
        ("orders", "orders_account_fk"),
        ("tags", "tags_account_fk"),
    ]
    invoices = schema.table("billing.invoices")
    assert invoices is not None
    (fk_of_invoices,) = [c for c in invoices.constraints if c.kind == "foreign key"]
    assert fk_of_invoices.references == "public.orders"


def test_other_objects(rich: tuple[Schema, str]) -> None:
    schema, _ = rich
    kinds = {t.name: t.kind for t in schema.tables}
    assert kinds["rich"] == "view"
    assert kinds["totals"] == "materialized view"
    assert kinds["events"] == "partitioned table"
    scratch, events, part = (schema.table(n) for n in ("scratch", "events", "events_2026"))
    assert scratch is not None
    assert scratch.unlogged
    assert events is not None
    assert events.partition_key == "RANGE (at)"
    assert part is not None
    assert part.partition_of == "events"
    assert part.partition_bound == "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
    view = schema.table("rich")
    assert view is not None
    assert "score)::integer > 10" in (view.definition or "")
    orders = schema.table("orders")
    assert orders is not None
    assert [t.name for t in orders.triggers] == ["orders_touch"]
    accounts = schema.table("accounts")
    assert accounts is not None
    (policy,) = accounts.policies
    assert (policy.name, policy.command, policy.roles) == ("own_rows", "SELECT", ("public",))
    assert schema.enums[0].labels == ("sad", "ok", "happy")
    (domain,) = schema.domains
    assert (domain.base_type, domain.nullable, domain.default) == ("integer", False, "1")
    (check,) = domain.checks  # NOT NULL is the nullable flag, not a check (PG 17+ stores it)
    assert check.startswith("CONSTRAINT positive_check CHECK (")  # the name is kept
    assert "VALUE > 0" in check
    assert schema.composites[0].attributes == (("street", "text"), ("zip", "character varying(10)"))
    sequences = {s.name: s for s in schema.sequences}
    assert sequences["orders_id_seq"].owned_by == "public.orders.id"
    assert sequences["accounts_id_seq"].owned_by == "public.accounts.id"
    functions = {f.name: f for f in schema.functions}
    assert functions["double"].volatility == "immutable"
    assert functions["double"].arguments == "x integer"
    assert functions["double"].returns == "integer"
    assert functions["reset_scores"].kind == "procedure"
    assert functions["touch"].language == "plpgsql"
    assert functions["touch"].grants == (Grant("PUBLIC", "EXECUTE"),)  # the default
    assert functions["double"].grants == ()  # revoked from PUBLIC
    assert [(g.grantee, g.privilege) for g in sequences["orders_id_seq"].grants] == [
        ("PUBLIC", "USAGE")
    ]


def test_comments_grants_owners_and_index_keys(rich: tuple[Schema, str]) -> None:
    schema, url = rich
    with psycopg.connect(url) as conn:
        user = conn.execute("SELECT current_user").fetchone()
        version = conn.info.server_version
    assert user is not None
    mood, (domain,), (address,) = schema.enums[0], schema.domains, schema.composites
    assert (mood.comment, domain.comment, address.comment) == ("how it went", "above zero", "where")
    assert mood.grants == (Grant("pgshift_test_reader", "USAGE"),)  # PUBLIC's revoked
    assert domain.grants == address.grants == (Grant("PUBLIC", "USAGE"),)  # the default
    assert {mood.owner, domain.owner, address.owner} == {user[0]}
    sequences = {s.name: s for s in schema.sequences}
    assert sequences["orders_id_seq"].comment == "order numbers"
    assert sequences["orders_id_seq"].owner == user[0]
    functions = {f.name: f for f in schema.functions}
    assert functions["double"].comment == "twice"
    assert functions["double"].owner == user[0]
    orders, accounts, tags = (schema.table(n) for n in ("orders", "accounts", "tags"))
    assert orders is not None
    assert accounts is not None
    assert tags is not None
    assert {i.name: i.comment for i in orders.indexes}["orders_big"] == "big orders"
    constraints = {c.name: c for c in orders.constraints}
    assert constraints["orders_total_check"].comment == "no refunds here"
    assert orders.triggers[0].comment == "keeps total"
    assert accounts.policies[0].comment == "a row is its owner's"
    indexes = {i.name: i for i in tags.indexes}
    assert indexes["tags_lower"].keys == ("lower(label::text)", "id")
    assert indexes["tags_lower"].include == ()
    assert {i.name: i for i in orders.indexes}["orders_big"].keys == ("account_id",)
    assert {i.name: i for i in orders.indexes}["orders_big"].include == ("total",)
    (fk,) = [c for c in tags.constraints if c.kind == "foreign key"]
    assert fk.match == "FULL"
    assert [c.type for c in tags.columns if c.name == "label"] == ["citext"]
    assert [(e.name, e.schema) for e in schema.extensions] == [("citext", "public")]
    assert not any(f.name.startswith("citext") for f in schema.functions)  # the extension's own
    view = schema.table("a_rich_count")
    assert view is not None
    assert view.depends_on == ("public.rich",)
    if version >= 140000:
        assert "BEGIN ATOMIC" in functions["answer"].definition
    if version >= 150000:
        handles = schema.table("handles")
        assert handles is not None
        (unique,) = [c for c in handles.constraints if c.kind == "unique"]
        assert unique.nulls_not_distinct
        assert handles.indexes[0].nulls_not_distinct
        assert not constraints["orders_pkey"].nulls_not_distinct
    if version >= 180000:
        half = next(c for c in orders.columns if c.name == "half")
        assert half.virtual
        assert half.generated == "(total / (2)::numeric)"
    double_score = next(c for c in accounts.columns if c.name == "double_score")
    assert not double_score.virtual  # STORED


class _Counting:
    """A connection that counts the queries sent through it."""

    def __init__(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        self.conn = conn
        self.info = conn.info
        self.sent = 0

    def execute(self, *args: object, **kwargs: object) -> object:
        self.sent += 1
        return self.conn.execute(*args, **kwargs)  # type: ignore[arg-type, call-overload]


def test_a_fixed_number_of_queries_and_the_same_model_twice(rich: tuple[Schema, str]) -> None:
    schema, url = rich
    with psycopg.connect(url, autocommit=True) as conn:
        counting = _Counting(conn)
        again = inspect(counting)  # type: ignore[arg-type]
        assert again == schema
        few = counting.sent
        for n in range(30):
            conn.execute(f"CREATE TABLE extra_{n} (id int PRIMARY KEY, v text UNIQUE)")
        counting.sent = 0
        bigger = inspect(counting)  # type: ignore[arg-type]
        assert len(bigger.tables) == len(schema.tables) + 30
        assert counting.sent == few == QUERIES
        estimates = sizes(conn, again)
    assert estimates["public.accounts"][1] > 0


def test_dump_loads_into_an_empty_database_and_inspects_the_same(
    rich: tuple[Schema, str], new_db: Callable[[], str], tmp_path: Path
) -> None:
    schema, url = rich
    script = tmp_path / "schema.sql"
    result = run_cli("dump", "--output", str(script), url=url)
    assert result.returncode == 0, result.stderr
    assert script.read_text() == render(schema)  # the same model, the same bytes
    empty = new_db()
    with psycopg.connect(empty, autocommit=True) as conn:
        conn.execute(script.read_text())
        assert inspect(conn) == schema


@pytest.mark.usefixtures("example_server")
def test_dump_of_the_example_project_round_trips(db_url: str, new_db: Callable[[], str]) -> None:
    config = str(ROOT / "examples" / "saas" / "pgshift.toml")
    assert run_cli("migrate", "--config", config, url=db_url).returncode == 0
    with psycopg.connect(db_url) as conn:
        model = inspect(conn)
    empty = new_db()
    with psycopg.connect(empty, autocommit=True) as conn:
        conn.execute(render(model))
        assert inspect(conn) == model


def test_two_connections_on_one_snapshot_give_the_same_model(rich: tuple[Schema, str]) -> None:
    schema, url = rich
    with (
        psycopg.connect(url, autocommit=True) as conn,
        psycopg.connect(url, autocommit=True) as helper,
    ):
        assert inspect(conn, helper=helper) == schema
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert helper.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
