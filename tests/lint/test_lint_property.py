"""Every rule against generated and mutated SQL of every kind the parser knows.

The corpus below has templates for every statement type of ``pglast.ast`` (and the
nodes rules dig into: subqueries in SET, defaults, partition bounds, ...). A template's
``{part}`` is filled from :data:`PARTS`, whose choices may hold parts of their own;
hypothesis picks the choices, then drops, copies or swaps tokens, keeping what still
parses. Whatever comes out, lint must not crash, no rule may raise, every finding
must point at a line of the file, and lint must refuse exactly what migrate refuses.
"""

from __future__ import annotations

import inspect
import json
import string
from collections import deque
from pathlib import Path

import pglast.ast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser

from pgshift.errors import PgshiftError, SqlError
from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.model import MIGRATE_REFUSES, RULE_CRASHED, Finding, Severity
from pgshift.lint.rules import RULES
from pgshift.migrations.discovery import sql_file
from pgshift.migrations.sections import Section
from pgshift.migrations.statements import check_runnable, split
from pgshift.migrations.tree import walk

LONG = "subscription_renewal_reminders_sent_to_customers_by_email_or_text_message"

# (the statement type a template is there for, the template)
CORPUS: tuple[tuple[str, str], ...] = (
    # tables
    ("CreateStmt", "CREATE {temp}TABLE {ine}{t} ({coldef}, {coldef2}{tabcons}){partspec}"),
    ("CreateStmt", "CREATE TABLE {ine}{t} PARTITION OF {t2} {bound}{partspec}"),
    ("CreateStmt", "CREATE UNLOGGED TABLE {t} (LIKE {t2} INCLUDING ALL) INHERITS ({t2})"),
    ("CreateStmt", "CREATE TABLE {t} OF {type_name}"),
    ("AlterTableStmt", "ALTER TABLE {ie}{only}{t} {alter_cmds}"),
    ("AlterTableStmt", "ALTER TABLE {ie}{t} {partition_cmd}"),
    ("AlterTableStmt", "ALTER {table_like} {ie}{t} {alter_cmd}"),
    ("ReplicaIdentityStmt", "ALTER TABLE {t} REPLICA IDENTITY {replica}"),
    ("AlterTableMoveAllStmt", "ALTER TABLE ALL IN TABLESPACE {n} SET TABLESPACE {n2}{nowait}"),
    ("RenameStmt", "ALTER TABLE {ie}{t} RENAME TO {n}"),
    ("RenameStmt", "ALTER TABLE {ie}{t} RENAME {column}{c} TO {c2}"),
    ("RenameStmt", "ALTER TABLE {t} RENAME CONSTRAINT {n} TO {n2}"),
    ("RenameStmt", "ALTER {renamable} {n} RENAME TO {n2}"),
    ("RenameStmt", "ALTER TYPE {type_name} RENAME ATTRIBUTE {c} TO {c2}{cascade}"),
    ("RenameStmt", "ALTER TRIGGER {n} ON {t} RENAME TO {n2}"),
    ("RenameStmt", "ALTER POLICY {n} ON {t} RENAME TO {n2}"),
    ("AlterObjectSchemaStmt", "ALTER {movable} {t} SET SCHEMA {s}"),
    ("AlterOwnerStmt", "ALTER {owned} {n} OWNER TO {role}"),
    ("DropStmt", "DROP {droppable} {ie}{names}{cascade}"),
    ("DropStmt", "DROP INDEX {conc}{ie}{names}{cascade}"),
    ("DropStmt", "DROP FUNCTION {ie}{qn}({type}){cascade}"),
    ("DropStmt", "DROP TRIGGER {ie}{n} ON {t}{cascade}"),
    ("DropStmt", "DROP POLICY {ie}{n} ON {t}"),
    ("TruncateStmt", "TRUNCATE {only}{names}{identity}{cascade}"),
    ("CreateTableAsStmt", "CREATE {temp}TABLE {ine}{t} AS {query}{with_data}"),
    ("CreateTableAsStmt", "CREATE MATERIALIZED VIEW {ine}{t} AS {query}{with_data}"),
    ("SelectStmt", "SELECT {e} INTO {t} FROM {t2}"),
    ("ViewStmt", "CREATE {or_replace}{temp}VIEW {t} AS {query}{check_option}"),
    ("ViewStmt", "CREATE RECURSIVE VIEW {t} ({c}) AS VALUES (1) UNION ALL SELECT {c} + 1 FROM {t}"),
    ("RefreshMatViewStmt", "REFRESH MATERIALIZED VIEW {conc}{t}{with_data}"),
    ("CreateForeignTableStmt", "CREATE FOREIGN TABLE {ine}{t} ({coldef}) SERVER {n}{options}"),
    ("CompositeTypeStmt", "CREATE TYPE {type_name} AS ({c} {type}, {c2} {type2})"),
    # indexes
    (
        "IndexStmt",
        "CREATE {unique}INDEX {conc}{index_name}ON {only}{t} {using}({index_elems}){include}"
        "{where}",
    ),
    ("ReindexStmt", "REINDEX {reindex_options}{reindex_kind} {conc}{t}"),
    ("ClusterStmt", "CLUSTER {verbose}{t} USING {n}"),
    ("ClusterStmt", "CLUSTER"),
    # data
    ("InsertStmt", "{with}INSERT INTO {t} ({c}, {c2}) {insert_source}{on_conflict}{returning}"),
    ("UpdateStmt", "{with}UPDATE {only}{t} SET {set_list}{from}{where_current}{returning}"),
    ("DeleteStmt", "{with}DELETE FROM {only}{t}{using_tables}{where_current}{returning}"),
    (
        "MergeStmt",
        "MERGE INTO {t} USING {t2} ON {e} WHEN MATCHED THEN UPDATE SET {c} = {e2} "
        "WHEN NOT MATCHED THEN INSERT ({c}) VALUES ({e3})",
    ),
    (
        "MergeStmt",
        "MERGE INTO {t} t USING (SELECT {e}) s ON {e2} WHEN MATCHED AND {e3} THEN DELETE "
        "WHEN NOT MATCHED BY SOURCE THEN DO NOTHING",
    ),
    ("SelectStmt", "{query}"),
    ("SelectStmt", "SELECT {e} FROM {t} {join} {t2} ON {e2} WHERE {e3} LIMIT {int} {locking}"),
    ("CopyStmt", "COPY {t} ({c}) TO {copy_target}{copy_options}"),
    ("CopyStmt", "COPY ({query}) TO STDOUT"),
    ("CopyStmt", "COPY {t} FROM '/tmp/data.csv'{copy_options}{where}"),
    ("LockStmt", "LOCK TABLE {only}{names} IN {lock_mode} MODE{nowait}"),
    # types
    ("CreateEnumStmt", "CREATE TYPE {type_name} AS ENUM ({labels})"),
    ("AlterEnumStmt", "ALTER TYPE {type_name} ADD VALUE {ine}{label}{enum_position}"),
    ("AlterEnumStmt", "ALTER TYPE {type_name} RENAME VALUE {label} TO {label2}"),
    ("CreateRangeStmt", "CREATE TYPE {type_name} AS RANGE (SUBTYPE = {type})"),
    ("AlterTypeStmt", "ALTER TYPE {type_name} SET (STORAGE = plain)"),
    ("DefineStmt", "CREATE TYPE {type_name}"),
    ("DefineStmt", "CREATE AGGREGATE {qn} ({type}) (SFUNC = int4pl, STYPE = int)"),
    ("DefineStmt", "CREATE OPERATOR === (LEFTARG = {type}, RIGHTARG = {type}, FUNCTION = {qn})"),
    ("DefineStmt", "CREATE COLLATION {ine}{qn} (provider = icu, locale = 'und')"),
    ("DefineStmt", "CREATE TEXT SEARCH DICTIONARY {qn} (TEMPLATE = simple)"),
    ("CreateDomainStmt", "CREATE DOMAIN {type_name} AS {type}{domain_constraint}"),
    ("AlterDomainStmt", "ALTER DOMAIN {type_name} {domain_cmd}"),
    ("AlterCollationStmt", "ALTER COLLATION {qn} REFRESH VERSION"),
    # functions, triggers, rules, policies
    (
        "CreateFunctionStmt",
        "CREATE {or_replace}FUNCTION {qn}({c} {type}) RETURNS {type2} LANGUAGE sql "
        "{volatility}AS $$ SELECT {e} $$",
    ),
    (
        "CreateFunctionStmt",
        "CREATE FUNCTION {qn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    ),
    (
        "ReturnStmt",
        "CREATE {or_replace}FUNCTION {qn}({type}) RETURNS {type2} LANGUAGE sql RETURN {e}",
    ),
    ("CreateFunctionStmt", "CREATE PROCEDURE {qn}() LANGUAGE sql BEGIN ATOMIC SELECT {e}; END"),
    ("AlterFunctionStmt", "ALTER FUNCTION {qn}({type}) {volatility}SECURITY DEFINER"),
    ("CallStmt", "CALL {qn}({e})"),
    ("DoStmt", "DO {do_language}$$ BEGIN {plpgsql} END $$"),
    (
        "CreateTrigStmt",
        "CREATE {or_replace}TRIGGER {n} {timing} {events} ON {t} FOR EACH {row_or_statement}"
        "{when} EXECUTE FUNCTION {qn}()",
    ),
    (
        "CreateTrigStmt",
        "CREATE CONSTRAINT TRIGGER {n} AFTER INSERT ON {t} DEFERRABLE FOR EACH ROW "
        "EXECUTE FUNCTION {qn}()",
    ),
    (
        "CreateEventTrigStmt",
        "CREATE EVENT TRIGGER {n} ON ddl_command_start EXECUTE FUNCTION {qn}()",
    ),
    ("AlterEventTrigStmt", "ALTER EVENT TRIGGER {n} {enable}"),
    ("RuleStmt", "CREATE {or_replace}RULE {n} AS ON {rule_event} TO {t} DO {rule_action}"),
    ("CreatePolicyStmt", "CREATE POLICY {n} ON {t} FOR {policy_command} TO {role} USING ({e})"),
    ("AlterPolicyStmt", "ALTER POLICY {n} ON {t} USING ({e}) WITH CHECK ({e2})"),
    ("CreatePLangStmt", "CREATE {or_replace}TRUSTED LANGUAGE {n} HANDLER {qn}"),
    (
        "CreateTransformStmt",
        "CREATE TRANSFORM FOR {type} LANGUAGE {n} (FROM SQL WITH FUNCTION {qn}(internal), "
        "TO SQL WITH FUNCTION {qn}(internal))",
    ),
    ("CreateCastStmt", "CREATE CAST ({type} AS {type2}) WITH FUNCTION {qn}({type}) AS IMPLICIT"),
    ("CreateConversionStmt", "CREATE DEFAULT CONVERSION {qn} FOR 'LATIN1' TO 'UTF8' FROM {n2}"),
    (
        "CreateOpClassStmt",
        "CREATE OPERATOR CLASS {qn} DEFAULT FOR TYPE {type} USING btree AS OPERATOR 1 <, "
        "FUNCTION 1 {n2}({type}, {type})",
    ),
    ("CreateOpFamilyStmt", "CREATE OPERATOR FAMILY {qn} USING btree"),
    ("AlterOpFamilyStmt", "ALTER OPERATOR FAMILY {qn} USING btree ADD OPERATOR 1 < ({type}, int)"),
    ("AlterOperatorStmt", "ALTER OPERATOR = ({type}, {type}) SET (RESTRICT = eqsel)"),
    ("CreateAmStmt", "CREATE ACCESS METHOD {n} TYPE TABLE HANDLER {qn}"),
    ("CreateStatsStmt", "CREATE STATISTICS {ine}{qn} (dependencies) ON {c}, {c2} FROM {t}"),
    ("AlterStatsStmt", "ALTER STATISTICS {ie}{qn} SET STATISTICS {int}"),
    ("AlterObjectDependsStmt", "ALTER FUNCTION {qn}({type}) DEPENDS ON EXTENSION {n2}"),
    # schemas, sequences, extensions, comments
    ("CreateSchemaStmt", "CREATE SCHEMA {ine}{s}{schema_elements}"),
    ("CreateSeqStmt", "CREATE {temp}SEQUENCE {ine}{t}{seq_options}"),
    ("AlterSeqStmt", "ALTER SEQUENCE {ie}{t} RESTART{seq_options}"),
    ("CreateExtensionStmt", "CREATE EXTENSION {ine}{n}{extension_options}"),
    ("AlterExtensionStmt", "ALTER EXTENSION {n} UPDATE TO '2.0'"),
    ("AlterExtensionContentsStmt", "ALTER EXTENSION {n} {add_drop} TABLE {t}"),
    ("CommentStmt", "COMMENT ON {commentable} {t} IS {comment}"),
    ("CommentStmt", "COMMENT ON COLUMN {t}.{c} IS {comment}"),
    ("SecLabelStmt", "SECURITY LABEL ON TABLE {t} IS 'secret'"),
    # roles and privileges
    ("CreateRoleStmt", "CREATE {role_kind} {n}{role_options}"),
    ("AlterRoleStmt", "ALTER ROLE {n}{role_options}"),
    ("AlterRoleSetStmt", "ALTER ROLE {role} SET {setting} = {setting_value}"),
    ("DropRoleStmt", "DROP {role_kind} {ie}{n}"),
    ("GrantStmt", "GRANT {privileges} ON {grantable} {t} TO {role}{grant_option}"),
    ("GrantStmt", "REVOKE {grant_option_for}{privileges} ON {grantable} {t} FROM {role}{cascade}"),
    ("GrantRoleStmt", "GRANT {n} TO {role}{admin_option}"),
    ("GrantRoleStmt", "REVOKE {n} FROM {role}{cascade}"),
    (
        "AlterDefaultPrivilegesStmt",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT ON TABLES TO {role}",
    ),
    ("DropOwnedStmt", "DROP OWNED BY {role}{cascade}"),
    ("ReassignOwnedStmt", "REASSIGN OWNED BY {role} TO {n}"),
    ("CreateUserMappingStmt", "CREATE USER MAPPING {ine}FOR {role} SERVER {n} OPTIONS (user 'x')"),
    ("AlterUserMappingStmt", "ALTER USER MAPPING FOR {role} SERVER {n} OPTIONS (SET user 'y')"),
    ("DropUserMappingStmt", "DROP USER MAPPING {ie}FOR {role} SERVER {n}"),
    # foreign data
    ("CreateFdwStmt", "CREATE FOREIGN DATA WRAPPER {n}{fdw_handler}"),
    ("AlterFdwStmt", "ALTER FOREIGN DATA WRAPPER {n} NO VALIDATOR"),
    ("CreateForeignServerStmt", "CREATE SERVER {ine}{n} FOREIGN DATA WRAPPER {n2}{options}"),
    ("AlterForeignServerStmt", "ALTER SERVER {n} VERSION '2'{options}"),
    ("ImportForeignSchemaStmt", "IMPORT FOREIGN SCHEMA {s} FROM SERVER {n} INTO {s2}"),
    # publications and subscriptions
    ("CreatePublicationStmt", "CREATE PUBLICATION {n} FOR {publication_target}"),
    ("AlterPublicationStmt", "ALTER PUBLICATION {n} {add_drop} TABLE {t}"),
    ("CreateSubscriptionStmt", "CREATE SUBSCRIPTION {n} CONNECTION 'dbname=x' PUBLICATION {n2}"),
    ("AlterSubscriptionStmt", "ALTER SUBSCRIPTION {n} {subscription_change}"),
    ("DropSubscriptionStmt", "DROP SUBSCRIPTION {ie}{n}{cascade}"),
    # databases, tablespaces, the system
    ("CreatedbStmt", "CREATE DATABASE {n}{db_options}"),
    ("AlterDatabaseStmt", "ALTER DATABASE {n} WITH CONNECTION LIMIT {int}"),
    ("AlterDatabaseSetStmt", "ALTER DATABASE {n} SET {setting} = {setting_value}"),
    ("AlterDatabaseRefreshCollStmt", "ALTER DATABASE {n} REFRESH COLLATION VERSION"),
    ("DropdbStmt", "DROP DATABASE {ie}{n}{force}"),
    ("CreateTableSpaceStmt", "CREATE TABLESPACE {n} LOCATION '/tmp/ts'"),
    ("AlterTableSpaceOptionsStmt", "ALTER TABLESPACE {n} SET (random_page_cost = 1.1)"),
    ("DropTableSpaceStmt", "DROP TABLESPACE {ie}{n}"),
    ("AlterSystemStmt", "ALTER SYSTEM {system_change}"),
    (
        "AlterTSConfigurationStmt",
        "ALTER TEXT SEARCH CONFIGURATION {qn} ALTER MAPPING FOR word WITH simple",
    ),
    ("AlterTSDictionaryStmt", "ALTER TEXT SEARCH DICTIONARY {qn} (StopWords = english)"),
    # sessions, transactions, maintenance
    ("VariableSetStmt", "{set_kind}"),
    ("VariableShowStmt", "SHOW {setting}"),
    ("DiscardStmt", "DISCARD {discard}"),
    ("TransactionStmt", "{transaction}"),
    ("ConstraintsSetStmt", "SET CONSTRAINTS {constraints} {deferred}"),
    ("VacuumStmt", "{vacuum} {t}"),
    ("ExplainStmt", "EXPLAIN {explain_options}{explainable}"),
    ("CheckPointStmt", "CHECKPOINT"),
    ("LoadStmt", "LOAD 'auto_explain'"),
    ("ListenStmt", "LISTEN {n}"),
    ("UnlistenStmt", "UNLISTEN {n}"),
    ("NotifyStmt", "NOTIFY {n}, 'payload'"),
    ("PrepareStmt", "PREPARE {n} ({type}) AS {explainable}"),
    ("ExecuteStmt", "EXECUTE {n} ({e})"),
    ("DeallocateStmt", "DEALLOCATE {prepare}{n}"),
    ("DeallocateStmt", "DEALLOCATE ALL"),
    ("DeclareCursorStmt", "DECLARE {n} {scroll}CURSOR {hold}FOR {query}"),
    ("FetchStmt", "{fetch} {int} FROM {n}"),
    ("ClosePortalStmt", "CLOSE {n}"),
)

# Statement types no SQL text makes, each with the reason.
NOT_IN_SQL = {
    # the parser's wrapper around each statement; its JSON form is {"stmt": ..., ...}
    "RawStmt": "wrapper",
    # only in PL/pgSQL's own parse of an assignment (RAW_PARSE_PLPGSQL_ASSIGN modes)
    "PLAssignStmt": "plpgsql",
    # made by parse analysis from a SelectStmt with UNION/INTERSECT/EXCEPT
    "SetOperationStmt": "analysis",
}

# Nodes inside statements that rules read: the corpus must reach each.
INNER = (
    "A_ArrayExpr",
    "A_Const",
    "A_Expr",
    "A_Indirection",
    "AlterTableCmd",
    "BoolExpr",
    "CaseExpr",
    "CollateClause",
    "ColumnDef",
    "ColumnRef",
    "CommonTableExpr",
    "Constraint",
    "DefElem",
    "FuncCall",
    "GroupingFunc",
    "IndexElem",
    "IntoClause",
    "JoinExpr",
    "JsonObjectConstructor",
    "LockingClause",
    "MergeWhenClause",
    "MultiAssignRef",
    "NullTest",
    "ObjectWithArgs",
    "ParamRef",
    "PartitionCmd",
    "RangeFunction",
    "RangeSubselect",
    "RangeVar",
    "ResTarget",
    "RoleSpec",
    "RowExpr",
    "SetToDefault",
    "SubLink",
    "TableLikeClause",
    "TypeCast",
    "TypeName",
    "XmlExpr",
)

# Nodes in fields of one node type, which the JSON tree gives without the type's name:
# found by the field's name.
INNER_FIELDS = {
    "intoClause": "IntoClause",
    "onConflictClause": "OnConflictClause",
    "over": "WindowDef",
    "partbound": "PartitionBoundSpec",
    "partspec": "PartitionSpec",
    "withClause": "WithClause",
}

# Each part's choices. The first is the default; following first choices always ends.
PARTS: dict[str, tuple[str, ...]] = {
    # names
    "t": ("users", "public.users", "app.orders", '"Orders"', "t", "events_2026", LONG),
    "t2": ("orders", "public.accounts", "users", "events"),
    "names": ("{t}", "{t}, {t2}"),
    "c": ("email", "id", "plan", '"Col"', "payload", LONG),
    "c2": ("name", "user_id", "score"),
    "n": ("users_email_idx", "x", '"Weird name"', LONG),
    "n2": ("other_name", "y"),
    "qn": ("{n}", "app.{n}"),
    "s": ("app", "public", '"Schema"'),
    "s2": ("archive", "public"),
    "role": ("app_user", "PUBLIC", "CURRENT_USER", '"Role"'),
    "type_name": ("mood", "app.mood", '"Mood"'),
    "index_name": ("{n} ", "", "{ine}{n} "),
    "label": ("'sad'", "'a label with spaces'", "''"),
    "label2": ("'happy'",),
    "labels": ("'sad', 'ok', 'happy'", "", "'one'"),
    "int": ("10", "0", "2147483647"),
    # types and expressions
    "type": (
        "int",
        "bigint",
        "text",
        "varchar(20)",
        "char(3)",
        "numeric(10,2)",
        "timestamp",
        "timestamptz",
        "json",
        "jsonb",
        "int[]",
        "serial",
        "bigserial",
        "smallint",
        "boolean",
        "uuid",
        "{type_name}",
        "double precision",
        "interval",
        "bit varying(5)",
        "varchar",
        "time with time zone",
        "character varying(300)",
        "int4range",
        "text[][]",
    ),
    "type2": ("text", "bigint", "varchar(10)", "integer"),
    "e": (
        "1",
        "'a'",
        "NULL",
        "true",
        "now()",
        "random()",
        "gen_random_uuid()",
        "nextval('s')",
        "{c}",
        "(SELECT max({c}) FROM {t})",
        "{e} + {e2}",
        "CASE WHEN {e} THEN {e2} ELSE {e3} END",
        "{e}::{type}",
        "CAST({e} AS {type})",
        "ARRAY[{e}, {e2}]",
        "ROW({e}, {e2})",
        "EXISTS (SELECT 1 FROM {t} WHERE {e})",
        "coalesce({e}, {e2})",
        "{c} IN (SELECT {c} FROM {t})",
        "clock_timestamp()",
        "'{{}}'::jsonb",
        '{c} COLLATE "C"',
        "{e} IS NOT NULL",
        "NOT {e}",
        "{e} AND {e2}",
        "lower({c})",
        "count(*) OVER (PARTITION BY {c})",
        "{c}[1]",
        "({c}).x",
        "current_setting('x')",
        "{e} BETWEEN {e2} AND {e3}",
        "-{e}",
        "'2026-01-01'::date",
        "{c} = ANY (ARRAY[1, 2])",
        "(SELECT {e} FROM {t} LIMIT 1)",
        "interval '1 day'",
        "{c} LIKE 'a%'",
        "$1",
        "{e} || {e2}",
        "GROUPING({c})",
        "xmlelement(name x)",
        "json_object('a': 1)",
        "jsonb_build_object('a', {e})",
        "{c} -> 'k'",
        "pg_catalog.now()",
        "app.f({e})",
    ),
    "e2": ("2", "{c2}", "'b'", "(SELECT 1)"),
    "e3": ("3", "NULL", "{e}"),
    # queries
    "query": (
        "SELECT {e}",
        "SELECT * FROM {t} WHERE {e}",
        "SELECT {c}, count(*) FROM {t} GROUP BY {c} HAVING {e}",
        "VALUES ({e}), ({e2})",
        "SELECT 1 UNION SELECT 2",
        "WITH w AS (SELECT {e}) SELECT * FROM w",
        "WITH d AS (DELETE FROM {t} WHERE {e} RETURNING *) SELECT * FROM d",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r",
        "SELECT * FROM {t} {join} {t2} ON {e}",
        "SELECT * FROM (SELECT {e}) sub, LATERAL (SELECT {e2}) l",
        "SELECT DISTINCT ON ({c}) {c} FROM {t} ORDER BY {c}",
        "TABLE {t}",
        "SELECT * FROM generate_series(1, 10) g(i)",
        "SELECT {e} FROM ONLY {t} FOR UPDATE SKIP LOCKED",
    ),
    "join": ("JOIN", "LEFT JOIN", "FULL OUTER JOIN", "CROSS JOIN LATERAL (SELECT 1) x JOIN"),
    "with": ("", "WITH w AS (SELECT {e}) ", "WITH u AS (UPDATE {t2} SET {c} = {e} RETURNING *) "),
    "where": ("", " WHERE {e}", " WHERE {c} = {e2}", " WHERE true"),
    "where_current": ("{where}", " WHERE CURRENT OF cur"),
    "returning": ("", " RETURNING *", " RETURNING {c}, {e}"),
    "from": ("", " FROM {t2}", " FROM (SELECT {e}) s"),
    "using_tables": ("", " USING {t2}"),
    "set_list": (
        "{c} = {e}",
        "{c} = {e}, {c2} = {e2}",
        "{c} = (SELECT 1)",
        "({c}, {c2}) = (SELECT {e}, {e2})",
        "({c}, {c2}) = ({e}, DEFAULT)",
        "{c} = {e}, {c} = {e2}",
        "{c}[1] = {e}, {c}[2] = {e2}",
        "{c}.x = {e}",
        "{c} = DEFAULT",
    ),
    "insert_source": (
        "VALUES ({e}, {e2})",
        "VALUES ({e}, {e2}), ({e3}, DEFAULT)",
        "{query}",
        "OVERRIDING SYSTEM VALUE VALUES (1, 2)",
    ),
    "on_conflict": (
        "",
        " ON CONFLICT DO NOTHING",
        " ON CONFLICT ({c}) DO UPDATE SET {c2} = EXCLUDED.{c2}{where}",
        " ON CONFLICT ON CONSTRAINT {n} DO NOTHING",
    ),
    "locking": ("", "FOR UPDATE", "FOR SHARE NOWAIT", "FOR NO KEY UPDATE OF {t}"),
    # columns and constraints
    "coldef": ("{column_def}", "LIKE {t2}"),
    "coldef2": ("{c2} {type2}{colcons}", "{c2} {type}"),
    "column_def": (
        "{c} {type}{colcons}",
        "{c} {type}",
        "{c} {type} GENERATED ALWAYS AS ({e}) STORED",
        "{c} {type} GENERATED BY DEFAULT AS IDENTITY (START WITH 10)",
    ),
    "colcons": (
        "",
        " NOT NULL",
        " NULL",
        " DEFAULT {e}",
        " UNIQUE",
        " PRIMARY KEY",
        " CHECK ({e})",
        " REFERENCES {t2} ({c}) ON DELETE CASCADE",
        " REFERENCES {t2}",
        " GENERATED ALWAYS AS IDENTITY",
        ' COLLATE "C"',
        " CONSTRAINT {n} NOT NULL DEFAULT {e}",
        " NOT NULL{colcons}",
        " DEFAULT {e}{colcons}",
        " GENERATED ALWAYS AS ({e})",
        " UNIQUE NULLS NOT DISTINCT",
    ),
    "tabcons": ("", ", {constraint}", ", {constraint}, {constraint}"),
    "constraint": (
        "PRIMARY KEY ({c})",
        "UNIQUE ({c}, {c2})",
        "CHECK ({e}){not_valid}",
        "FOREIGN KEY ({c}) REFERENCES {t2} ({c2}) ON DELETE SET NULL{not_valid}",
        "EXCLUDE USING gist ({c} WITH &&)",
        "CONSTRAINT {n} {constraint}",
        "UNIQUE ({c}) DEFERRABLE INITIALLY DEFERRED",
        "PRIMARY KEY ({c}) INCLUDE ({c2})",
        "UNIQUE USING INDEX {n}",
        "PRIMARY KEY USING INDEX {n}",
        "FOREIGN KEY ({c}, {c2}) REFERENCES {t2}",
        "CHECK ({e}) NO INHERIT",
        "NOT NULL {c}",
    ),
    "not_valid": ("", " NOT VALID"),
    "partspec": (
        "",
        " PARTITION BY RANGE ({c})",
        " PARTITION BY LIST ({c})",
        " PARTITION BY HASH ({c}, {c2})",
        " PARTITION BY RANGE (({e}))",
    ),
    "bound": (
        "FOR VALUES FROM (1) TO (10)",
        "FOR VALUES FROM (MINVALUE) TO ({e})",
        "FOR VALUES IN (1, 2)",
        "FOR VALUES WITH (MODULUS 4, REMAINDER 1)",
        "DEFAULT",
    ),
    # ALTER TABLE: one command or several
    "alter_cmds": (
        "{alter_cmd}",
        "{alter_cmd}, {alter_cmd}",
        "{alter_cmd}, {alter_cmd}, {alter_cmd}",
    ),
    "alter_cmd": (
        "ADD COLUMN {ine}{column_def}",
        "ADD {column_def}",
        "DROP COLUMN {ie}{c}{cascade}",
        "DROP {c}",
        "ALTER COLUMN {c} TYPE {type}",
        "ALTER COLUMN {c} TYPE {type} USING {e}",
        'ALTER COLUMN {c} SET DATA TYPE {type} COLLATE "C"',
        "ALTER COLUMN {c} SET NOT NULL",
        "ALTER COLUMN {c} DROP NOT NULL",
        "ALTER COLUMN {c} SET DEFAULT {e}",
        "ALTER COLUMN {c} DROP DEFAULT",
        "ADD {constraint}",
        "ADD CONSTRAINT {n} {constraint}",
        "VALIDATE CONSTRAINT {n}",
        "DROP CONSTRAINT {ie}{n}{cascade}",
        "ALTER CONSTRAINT {n} DEFERRABLE",
        "SET TABLESPACE {n}",
        "SET LOGGED",
        "SET UNLOGGED",
        "SET ACCESS METHOD heap",
        "OWNER TO {role}",
        "ENABLE TRIGGER {n}",
        "DISABLE TRIGGER ALL",
        "CLUSTER ON {n}",
        "SET WITHOUT CLUSTER",
        "ENABLE ROW LEVEL SECURITY",
        "FORCE ROW LEVEL SECURITY",
        "SET (fillfactor = 70)",
        "RESET (fillfactor)",
        "ALTER COLUMN {c} SET STATISTICS {int}",
        "ALTER COLUMN {c} SET STORAGE EXTERNAL",
        "ALTER COLUMN {c} ADD GENERATED ALWAYS AS IDENTITY",
        "ALTER COLUMN {c} DROP IDENTITY {ie}",
        "ALTER COLUMN {c} SET EXPRESSION AS ({e})",
        "ALTER COLUMN {c} DROP EXPRESSION",
        "INHERIT {t2}",
        "NO INHERIT {t2}",
        "OF {type_name}",
        "NOT OF",
        "REPLICA IDENTITY {replica}",
        "ALTER COLUMN {c} SET COMPRESSION pglz",
        "SET WITHOUT OIDS",
        "ALTER {c} TYPE {type}",
    ),
    "partition_cmd": (
        "ATTACH PARTITION {t2} {bound}",
        "DETACH PARTITION {t2}",
        "DETACH PARTITION {t2} CONCURRENTLY",
        "DETACH PARTITION {t2} FINALIZE",
    ),
    "table_like": ("INDEX", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", "SEQUENCE"),
    "replica": ("FULL", "DEFAULT", "NOTHING", "USING INDEX {n}"),
    "column": ("", "COLUMN "),
    "renamable": (
        "INDEX",
        "SEQUENCE",
        "VIEW",
        "SCHEMA",
        "TYPE",
        "DOMAIN",
        "FUNCTION",
        "MATERIALIZED VIEW",
        "DATABASE",
        "ROLE",
        "INDEX IF EXISTS",
    ),
    "movable": (
        "TABLE",
        "SEQUENCE",
        "VIEW",
        "MATERIALIZED VIEW",
        "TYPE",
        "DOMAIN",
        "FUNCTION",
        "FOREIGN TABLE",
        "TABLE IF EXISTS",
    ),
    "owned": (
        "SCHEMA",
        "TABLE",
        "TYPE",
        "DATABASE",
        "SEQUENCE",
        "FUNCTION",
        "VIEW",
        "DOMAIN",
        "PUBLICATION",
    ),
    "droppable": (
        "TABLE",
        "VIEW",
        "MATERIALIZED VIEW",
        "SEQUENCE",
        "SCHEMA",
        "TYPE",
        "DOMAIN",
        "EXTENSION",
        "FOREIGN TABLE",
        "COLLATION",
        "PUBLICATION",
        "SERVER",
        "STATISTICS",
        "TEXT SEARCH CONFIGURATION",
        "ACCESS METHOD",
        "EVENT TRIGGER",
        "FOREIGN DATA WRAPPER",
        "CONVERSION",
    ),
    # small clauses
    "ie": ("", "IF EXISTS "),
    "ine": ("", "IF NOT EXISTS "),
    "cascade": ("", " CASCADE", " RESTRICT"),
    "conc": ("", "CONCURRENTLY "),
    "only": ("", "ONLY "),
    "temp": ("", "TEMP ", "UNLOGGED "),
    "or_replace": ("", "OR REPLACE "),
    "unique": ("", "UNIQUE "),
    "nowait": ("", " NOWAIT"),
    "identity": ("", " RESTART IDENTITY", " CONTINUE IDENTITY"),
    "with_data": ("", " WITH NO DATA", " WITH DATA"),
    "check_option": ("", " WITH CHECK OPTION", " WITH LOCAL CHECK OPTION"),
    "using": ("", "USING gin ", "USING brin ", "USING hash "),
    "index_elems": (
        "{c}",
        "{c}, {c2} DESC NULLS LAST",
        "({e})",
        "lower({c}) text_pattern_ops",
        '{c} COLLATE "C"',
    ),
    "include": (
        "",
        " INCLUDE ({c2})",
        " NULLS NOT DISTINCT",
        " WITH (fillfactor = 70)",
        " TABLESPACE {n}",
    ),
    "reindex_options": ("", "(VERBOSE) ", "(CONCURRENTLY) ", "(TABLESPACE {n}) "),
    "reindex_kind": ("TABLE", "INDEX", "SCHEMA", "DATABASE", "SYSTEM"),
    "verbose": ("", "VERBOSE ", "(VERBOSE) "),
    "copy_target": ("STDOUT", "'/tmp/out.csv'", "PROGRAM 'cat'"),
    "copy_options": ("", " WITH (FORMAT csv, HEADER)", " (FREEZE)"),
    "lock_mode": (
        "ACCESS EXCLUSIVE",
        "SHARE",
        "ROW EXCLUSIVE",
        "SHARE ROW EXCLUSIVE",
        "ACCESS SHARE",
        "SHARE UPDATE EXCLUSIVE",
    ),
    "enum_position": ("", " BEFORE {label2}", " AFTER {label2}"),
    "domain_constraint": (
        "",
        " NOT NULL",
        " CHECK ({e})",
        " CONSTRAINT {n} CHECK (VALUE > 0) DEFAULT 1",
        ' COLLATE "C"',
    ),
    "domain_cmd": (
        "ADD CONSTRAINT {n} CHECK (VALUE > 0){not_valid}",
        "DROP CONSTRAINT {ie}{n}{cascade}",
        "VALIDATE CONSTRAINT {n}",
        "SET NOT NULL",
        "DROP NOT NULL",
        "SET DEFAULT {e}",
        "DROP DEFAULT",
        "RENAME CONSTRAINT {n} TO {n2}",
        "OWNER TO {role}",
        "RENAME TO {n2}",
        "SET SCHEMA {s}",
    ),
    "volatility": ("", "IMMUTABLE ", "STABLE ", "VOLATILE ", "STRICT PARALLEL SAFE "),
    "do_language": ("", "LANGUAGE plpgsql "),
    "plpgsql": (
        "NULL;",
        "UPDATE {t} SET {c} = {e} WHERE {e2}; COMMIT;",
        "PERFORM 1; ROLLBACK;",
        "EXECUTE 'SELECT 1';",
        "FOR i IN 1..10 LOOP COMMIT; END LOOP;",
        "RAISE NOTICE 'commit';",
    ),
    "timing": ("BEFORE", "AFTER", "INSTEAD OF"),
    "events": ("INSERT", "INSERT OR UPDATE OF {c}", "DELETE OR TRUNCATE", "UPDATE"),
    "row_or_statement": ("ROW", "STATEMENT"),
    "when": ("", " WHEN (NEW.{c} IS DISTINCT FROM OLD.{c})"),
    "enable": ("ENABLE", "DISABLE", "ENABLE ALWAYS", "OWNER TO {role}", "RENAME TO {n2}"),
    "subscription_change": ("ENABLE", "DISABLE", "OWNER TO {role}", "REFRESH PUBLICATION"),
    "rule_event": ("INSERT", "UPDATE", "DELETE", "SELECT"),
    "rule_action": (
        "NOTHING",
        "INSTEAD NOTHING",
        "ALSO INSERT INTO {t2} VALUES ({e})",
        "INSTEAD (UPDATE {t2} SET {c} = {e}; DELETE FROM {t2})",
    ),
    "policy_command": ("ALL", "SELECT", "INSERT", "UPDATE", "DELETE"),
    "schema_elements": (
        "",
        " AUTHORIZATION {role}",
        " CREATE TABLE {n} ({c} {type}) CREATE VIEW {n2} AS SELECT 1",
    ),
    "seq_options": (
        "",
        " START WITH 1 INCREMENT BY 2",
        " AS bigint CACHE 10",
        " OWNED BY {t}.{c}",
        " RESTART",
        " NO CYCLE MAXVALUE 100",
    ),
    "extension_options": ("", " WITH SCHEMA {s}", " VERSION '1.0' CASCADE"),
    "add_drop": ("ADD", "DROP"),
    "commentable": ("TABLE", "VIEW", "INDEX", "SEQUENCE", "MATERIALIZED VIEW", "FOREIGN TABLE"),
    "comment": ("'a comment'", "NULL", "E'two\\nlines'"),
    "role_kind": ("ROLE", "USER", "GROUP"),
    "role_options": (
        "",
        " WITH LOGIN PASSWORD 'secret'",
        " SUPERUSER",
        " NOLOGIN CONNECTION LIMIT 3",
        " IN ROLE {role}",
    ),
    "setting": ("search_path", "lock_timeout", "statement_timeout", "work_mem"),
    "setting_value": ("'2s'", "DEFAULT", "0", "app, public"),
    "privileges": ("SELECT", "ALL", "ALL PRIVILEGES", "INSERT, UPDATE ({c})", "USAGE", "TRUNCATE"),
    "grantable": ("TABLE", "SEQUENCE", "ALL TABLES IN SCHEMA", "FUNCTION", "TYPE"),
    "grant_option": ("", " WITH GRANT OPTION", " GRANTED BY CURRENT_USER"),
    "grant_option_for": ("", "GRANT OPTION FOR "),
    "admin_option": ("", " WITH ADMIN OPTION", " WITH INHERIT FALSE"),
    "fdw_handler": ("", " HANDLER {qn}", " VALIDATOR {qn} OPTIONS (debug 'true')"),
    "options": ("", " OPTIONS (host 'x', port '5432')"),
    "publication_target": (
        "ALL TABLES",
        "TABLE {t}",
        "TABLE {t} ({c}) WHERE ({e})",
        "TABLES IN SCHEMA {s}",
    ),
    "db_options": (
        "",
        " WITH OWNER {role} TEMPLATE template0",
        " ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'und'",
        " STRATEGY file_copy",
    ),
    "force": ("", " WITH (FORCE)"),
    "system_change": ("SET work_mem = '64MB'", "RESET work_mem", "RESET ALL"),
    "set_kind": (
        "SET lock_timeout = '2s'",
        "SET LOCAL statement_timeout = 0",
        "RESET lock_timeout",
        "RESET ALL",
        "SET search_path TO {s}, public",
        "SET TIME ZONE 'UTC'",
        "SET SESSION AUTHORIZATION DEFAULT",
        "SET ROLE {role}",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET statement_timeout TO DEFAULT",
        "SET {setting} FROM CURRENT",
        "RESET statement_timeout",
    ),
    "discard": ("ALL", "PLANS", "SEQUENCES", "TEMP"),
    "transaction": (
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "START TRANSACTION READ ONLY",
        "SAVEPOINT {n}",
        "RELEASE SAVEPOINT {n}",
        "ROLLBACK TO SAVEPOINT {n}",
        "END",
        "COMMIT AND CHAIN",
        "PREPARE TRANSACTION 'x'",
        "COMMIT PREPARED 'x'",
        "ABORT",
        "BEGIN ISOLATION LEVEL REPEATABLE READ",
    ),
    "constraints": ("ALL", "{n}", "{n}, {n2}"),
    "deferred": ("DEFERRED", "IMMEDIATE"),
    "vacuum": (
        "VACUUM",
        "VACUUM FULL",
        "VACUUM (ANALYZE, VERBOSE)",
        "ANALYZE",
        "ANALYZE VERBOSE",
        "VACUUM FREEZE",
    ),
    "explain_options": ("", "ANALYZE ", "(ANALYZE, BUFFERS) ", "(FORMAT JSON) "),
    "explainable": (
        "{query}",
        "UPDATE {t} SET {set_list}{where}",
        "DELETE FROM {t}{where}",
        "INSERT INTO {t} VALUES ({e})",
        "MERGE INTO {t} USING {t2} ON {e} WHEN MATCHED THEN DELETE",
    ),
    "prepare": ("", "PREPARE "),
    "scroll": ("", "SCROLL ", "NO SCROLL ", "BINARY "),
    "hold": ("", "WITH HOLD ", "WITHOUT HOLD "),
    "fetch": ("FETCH", "FETCH FORWARD", "MOVE", "FETCH ABSOLUTE"),
}

_FIELDS = string.Formatter()
DEPTH = 4  # below it, every part takes its first choice


def fields(text: str) -> list[str]:
    """The ``{part}`` names of a template or choice, each once, in order."""
    return list(dict.fromkeys(name for _, name, _, _ in _FIELDS.parse(text) if name))


def render(text: str, pick: dict[str, int] | None = None, depth: int = 0) -> str:
    """``text`` with every part filled: by the choice ``pick`` gives a part (once; deeper
    uses take the default), else by its first choice."""
    pick = pick or {}
    values = {}
    for name in fields(text):
        choice = pick.get(name, 0) if depth < DEPTH else 0
        inner = {k: v for k, v in pick.items() if k != name}
        values[name] = render(PARTS[name][choice], inner, depth + 1)
    return text.format(**values)


@st.composite
def filled(draw: st.DrawFn, text: str, depth: int = 0) -> str:
    """``text`` with every part filled by choices hypothesis draws."""
    values = {}
    for name in fields(text):
        choices = PARTS[name]
        choice = draw(st.integers(0, len(choices) - 1)) if depth < DEPTH else 0
        values[name] = draw(filled(choices[choice], depth + 1))
    return text.format(**values)


def parses(sql: str) -> bool:
    try:
        parser.parse_sql_json(sql)
    except parser.ParseError:
        return False
    return True


def node_types(sql: str) -> set[str]:
    """The types of the nodes of ``sql``'s parse tree (those of typed fields included)."""
    tree = json.loads(parser.parse_sql_json(sql))
    found = set()
    for item in tree.get("stmts", ()):
        for kind, body in walk(item["stmt"]):
            found.add(kind)
            found.update(INNER_FIELDS[key] for key in body if key in INNER_FIELDS)
    return found


def every_choice() -> list[str]:
    """One rendering of each template, then one per choice of every part: the part set
    to that choice in a template that reaches it (through other parts' choices)."""
    out = [render(template) for _, template in CORPUS]
    reach: dict[str, tuple[str, dict[str, int]]] = {}
    frontier: deque[tuple[str, dict[str, int], str]] = deque(
        (template, {}, name) for _, template in CORPUS for name in fields(template)
    )
    while frontier:  # breadth first: each part reached with the fewest choices set
        template, pick, name = frontier.popleft()
        if name in reach:
            continue
        reach[name] = (template, pick)
        for n, choice in enumerate(PARTS[name]):
            frontier.extend((template, {**pick, name: n}, inner) for inner in fields(choice))
    assert set(reach) == set(PARTS), f"parts no template reaches: {set(PARTS) - set(reach)}"
    for name, (template, pick) in reach.items():
        out.extend(render(template, {**pick, name: n}) for n in range(len(PARTS[name])))
    return out


# -- the corpus itself ---------------------------------------------------------------


def test_the_corpus_has_every_statement_type_of_the_parser() -> None:
    """Fails when pglast gains a statement type: give it a template in CORPUS."""
    types = {
        name
        for name, value in vars(pglast.ast).items()
        if inspect.isclass(value) and name.endswith("Stmt")
    }
    found = set().union(*(node_types(render(template)) for _, template in CORPUS))
    assert sorted(types - set(NOT_IN_SQL) - found) == []
    assert set(NOT_IN_SQL) <= types, "an exclusion no longer exists in pglast.ast"
    assert not set(NOT_IN_SQL) & found


def test_each_template_makes_its_statement_type() -> None:
    for kind, template in CORPUS:
        sql = render(template)
        assert kind in node_types(sql), (kind, sql)


def test_the_corpus_reaches_the_nodes_rules_read() -> None:
    found = set().union(*(node_types(sql) for sql in every_choice() if parses(sql)))
    assert sorted({*INNER, *INNER_FIELDS.values()} - found) == []


def test_every_choice_of_every_part_parses() -> None:
    bad = [sql for sql in every_choice() if not parses(sql)]
    assert bad == []


# -- lint over it ---------------------------------------------------------------------


def _lint(sql: str, options: LintOptions) -> list[Finding] | PgshiftError:
    try:
        return lint_migration(sql_file(Path("m.sql"), sql), options)
    except PgshiftError as exc:  # COPY ... FROM STDIN, say: the file's own error
        return exc


def _refusal(section: Section, transaction: bool) -> SqlError | None:
    try:
        check_runnable(split(section), transaction, section)
    except SqlError as exc:
        return exc
    return None


def _check(sql: str, options: LintOptions) -> None:
    """Lint ``sql``: no crash, no rule raising, lines inside the file, and an error at
    each line migrate refuses (and only there)."""
    result = _lint(sql, options)
    if isinstance(result, PgshiftError):
        assert result.message.startswith("m.sql:"), result.message
        assert result.hint
        return
    crashed = [f.message for f in result if f.rule == RULE_CRASHED]
    assert crashed == [], sql
    lines = sql.count("\n") + 1
    assert all(1 <= f.line <= lines for f in result), [(f.rule, f.line) for f in result]
    migration = sql_file(Path("m.sql"), sql)
    assert migration.up is not None
    speaking = {r.id for r in RULES if r.speaks_for_migrate} | {MIGRATE_REFUSES}
    said = sorted(f.line for f in result if f.rule in speaking and f.severity is Severity.ERROR)
    refused = _refusal(migration.up, migration.directives.transaction)
    if refused is None:  # and the rules that speak for migrate are not stricter than it
        assert said == [], sql
    else:
        assert said, f"migrate refuses, lint says nothing: {refused.message}"
        assert said[0] == refused.line


def test_every_rule_on_every_choice_of_every_part() -> None:
    for sql in every_choice():
        every = frozenset(r.id for r in RULES)
        for options in (
            LintOptions(enabled=every),
            LintOptions(pg_version=11, estimates=ESTIMATES, enabled=every),
        ):
            _check(sql + ";\n", options)


def _tokens(sql: str) -> list[str]:
    return [sql[t.start : t.end + 1] for t in parser.scan(sql)]


# every token of the corpus, to put where it does not belong
VOCABULARY = sorted({token for sql in every_choice() for token in _tokens(sql)})


@st.composite
def statement(draw: st.DrawFn) -> str:
    """A statement of the corpus with drawn parts, then tokens dropped, copied, swapped or
    brought in from elsewhere in the corpus (kept only if it still parses)."""
    _, template = draw(st.sampled_from(CORPUS))
    sql = draw(filled(template))
    if not parses(sql):  # a mix of choices the grammar refuses
        sql = render(template)
    tokens = _tokens(sql)
    for _ in range(draw(st.integers(0, 3))):
        if not tokens:
            break
        at = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["drop", "copy", "swap", "bring"]))
        if action == "drop":
            del tokens[at]
        elif action == "copy":
            tokens.insert(at, tokens[at])
        elif action == "bring":
            tokens.insert(at, draw(st.sampled_from(VOCABULARY)))
        else:
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[at], tokens[other] = tokens[other], tokens[at]
    # a line break after a comment token, or the rest of the line is comment too
    mutated = " ".join(t + "\n" if t.startswith("--") else t for t in tokens)
    return mutated if mutated.strip() and parses(mutated) else sql


@st.composite
def migration_file(draw: st.DrawFn) -> str:
    head = draw(
        st.sampled_from(
            ["", "-- pgshift:no-transaction\n", "-- pgshift:lock-timeout 2s\n", "-- a note\n"]
        )
    )
    body = [
        draw(statement()) + draw(st.sampled_from([";\n", ";\n\n", "; ", ";\n-- next\n"]))
        for _ in range(draw(st.integers(1, 6)))
    ]
    return head + "".join(body)


ESTIMATES = {"users": 5_000, "public.accounts": 10_000_000, "app.orders": 0}

options = st.builds(
    LintOptions,
    pg_version=st.sampled_from([None, 10, 11, 12, 14, 16, 18]),
    estimates=st.sampled_from([None, ESTIMATES]),
    lock_timeout=st.booleans(),
    statement_timeout=st.booleans(),
    # the rules that are off by default must not raise either
    enabled=st.just(frozenset(r.id for r in RULES if not r.enabled_by_default)),
)


# about 20 s on one core
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(migration_file(), options)
def test_every_rule_on_generated_and_mutated_files(sql: str, options: LintOptions) -> None:
    _check(sql, options)
