"""Model to SQL: the schema as a script that builds it in an empty database.

Deterministic (objects sorted by name within each step) and in dependency order:
extensions, schemas, types, sequences, functions (bodies checked at call time),
tables, partitions, sequence ownership, keys, foreign keys, indexes, functions
that need the tables, views (each after those it reads), triggers, row security
and policies, grants, comments. Owners are left out, as with ``pg_dump --no-owner``:
the script builds the schema for whoever runs it. Definitions come from the server's
own deparsers (``pg_get_constraintdef``, ``pg_get_indexdef``, ...) kept in the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from pgshift.db import quoting
from pgshift.schema.model import (
    Collation,
    Column,
    CompositeType,
    Domain,
    EnumType,
    Function,
    Grant,
    Index,
    Policy,
    Schema,
    Statistics,
    Table,
)
from pgshift.schema.model import Sequence as SequenceObject
from pgshift.schema.sequence_sql import create_sequence_sql, identity_sql, owned_sequence


def ident(*names: str) -> str:
    """``schema.name`` (or any dotted name) as SQL, each part quoted where it must be."""
    return quoting.ident(*names)


def quote(name: str) -> str:
    """An identifier quoted as PostgreSQL would need it (no connection required)."""
    return quoting.quote(name)


_quote = quoting.quote


def policy_sql(policy: Policy, table: str) -> str:
    """``CREATE POLICY`` of ``policy`` on ``table`` (already quoted), no semicolon."""
    roles = ", ".join(r if r == "public" else _quote(r) for r in policy.roles)
    line = (
        f"CREATE POLICY {_quote(policy.name)} ON {table} AS "
        f"{'PERMISSIVE' if policy.permissive else 'RESTRICTIVE'} FOR {policy.command} TO {roles}"
    )
    if policy.using:
        line += f" USING ({policy.using})"
    if policy.check:
        line += f" WITH CHECK ({policy.check})"
    return line


def literal(text: str) -> str:
    """A string as an SQL literal."""
    return quoting.literal(text)


def replica_identity_sql(table: Table) -> str:
    """``ALTER TABLE ... REPLICA IDENTITY`` as the model says it, no semicolon."""
    wanted = table.replica_identity
    clause = (
        f"USING INDEX {_quote(wanted.removeprefix('index '))}"
        if wanted.startswith("index ")
        else wanted.upper()
    )
    return f"ALTER TABLE {ident(table.schema, table.name)} REPLICA IDENTITY {clause}"


def statistics_sql(table: Table) -> list[str]:
    """The table's extended statistics objects, each with its target if set."""
    out = []
    for stat in table.statistics:
        out.append(stat.definition + ";")
        if stat.target is not None:
            out.append(statistics_target_sql(stat))
    return out


def statistics_target_sql(stat: Statistics) -> str:
    """ALTER STATISTICS ... SET STATISTICS, to the target or back to the default (-1)."""
    target = -1 if stat.target is None else stat.target
    return f"ALTER STATISTICS {ident(stat.schema, stat.name)} SET STATISTICS {target};"


def collation_sql(collation: Collation) -> str:
    """CREATE COLLATION with the provider, locale and options the catalog holds."""
    options = [f"provider = {collation.provider}"]
    if collation.provider == "libc" and collation.lc_collate == collation.lc_ctype:
        options.append(f"locale = {literal(collation.lc_collate or '')}")
    elif collation.provider == "libc":
        options.append(f"lc_collate = {literal(collation.lc_collate or '')}")
        options.append(f"lc_ctype = {literal(collation.lc_ctype or '')}")
    else:
        options.append(f"locale = {literal(collation.locale or '')}")
    if collation.rules:
        options.append(f"rules = {literal(collation.rules)}")
    if not collation.deterministic:
        options.append("deterministic = false")
    return f"CREATE COLLATION {ident(collation.schema, collation.name)} ({', '.join(options)})"


def index_statements(table: Table, index: Index) -> list[str]:
    """CREATE INDEX as the catalog holds it. A partitioned table's index whose partitions'
    indexes are known is made ON ONLY the table, then each partition's index by its own
    name, attached; otherwise plain ON (ON ONLY alone would leave it INVALID)."""
    parent = f" INDEX {_quote(index.name)} ON ONLY {ident(table.schema, table.name)} "
    if not index.attached or parent not in index.definition:
        return [index.definition.replace(" ON ONLY ", " ON ", 1)]
    out = [index.definition]
    for partition, child in index.attached:
        out.append(partition_index_sql(table, index, partition, child))
        out.append(
            f"ALTER INDEX {ident(table.schema, index.name)} ATTACH PARTITION "
            f"{ident(partition.split('.', 1)[0], child)}"
        )
    return out


def partition_index_sql(table: Table, index: Index, partition: str, child: str) -> str:
    """The CREATE INDEX of a partition's own index like a partitioned table's ``index``."""
    parent = f" INDEX {_quote(index.name)} ON ONLY {ident(table.schema, table.name)} "
    own = f" INDEX {_quote(child)} ON {ident(*partition.split('.', 1))} "
    return index.definition.replace(parent, own, 1)


def column_statistics_sql(table: Table, column: Column) -> str:
    """ALTER COLUMN ... SET STATISTICS, to the column's target or the default (-1)."""
    target = -1 if column.statistics is None else column.statistics
    return (
        f"ALTER TABLE {ident(table.schema, table.name)} ALTER COLUMN {_quote(column.name)} "
        f"SET STATISTICS {target};"
    )


def cluster_sql(table: Table) -> list[str]:
    """``ALTER TABLE ... CLUSTER ON`` the index CLUSTER is to use, if one is marked."""
    return [
        f"ALTER TABLE {ident(table.schema, table.name)} CLUSTER ON {_quote(index.name)};"
        for index in table.indexes
        if index.clustered
    ]


def column_sql(column: Column, sequence: SequenceObject | None = None) -> str:
    """A column as in CREATE TABLE or ADD COLUMN: name, type, collation, identity (with
    the options of its ``sequence``) or generation, default, NOT NULL."""
    parts = [_quote(column.name), column.type]
    if column.compression:
        parts.append(f"COMPRESSION {column.compression}")
    if column.collation:
        parts.append(f"COLLATE {_quote(column.collation)}")
    if column.identity:
        parts.append(identity_sql(column, sequence))
    if column.generated:
        kind = "VIRTUAL" if column.virtual else "STORED"
        # pg_get_expr prints lower(a) bare; the syntax wants it in parentheses
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) {kind}")
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def create_table_sql(table: Table, sequences: Iterable[SequenceObject] = ()) -> str:
    """CREATE TABLE with its columns (a partition: PARTITION OF its parent; a child of
    INHERITS: its own columns only, then its parents); an identity column's options are
    those of its sequence among ``sequences``."""
    name = ident(table.schema, table.name)
    if table.partition_of:
        return f"CREATE TABLE {name} PARTITION OF {table.partition_of} {table.partition_bound};"
    sequences = tuple(sequences)
    own = [c for c in table.columns if c.local]
    columns = ",\n".join(
        f"    {column_sql(c, owned_sequence(sequences, table.qualified, c.name))}" for c in own
    )
    body = f"(\n{columns}\n)" if own else "()"
    unlogged = "UNLOGGED " if table.unlogged else ""
    parents = ", ".join(ident(*p.split(".", 1)) for p in table.inherits)
    inherits = f" INHERITS ({parents})" if parents else ""
    tail = f" PARTITION BY {table.partition_key}" if table.partition_key else ""
    return f"CREATE {unlogged}TABLE {name} {body}{inherits}{tail};"


def inherited_column(schema: Schema, table: Table, column: Column) -> Column:
    """The column as CREATE TABLE ... INHERITS (or PARTITION OF) makes it from the first
    parent that has it (its default and NOT NULL), or ``column`` itself when the table
    declares it."""
    if column.local and not table.partition_of:
        return column
    for parent_name in parents_of(table, {t.qualified for t in schema.tables}):
        parent = schema.table(parent_name)
        found = next((c for c in parent.columns if c.name == column.name), None) if parent else None
        if found is not None:
            return replace(found, local=False, comment=column.comment)
    return column


def inherited_columns_sql(schema: Schema, table: Table) -> list[str]:
    """``ALTER TABLE ONLY`` for a child's (or partition's) own default or NOT NULL on a
    column it only inherits (CREATE TABLE ... INHERITS copies the parent's)."""
    out = []
    for column in table.columns:
        made = inherited_column(schema, table, column)
        alter = (
            f"ALTER TABLE ONLY {ident(table.schema, table.name)} ALTER COLUMN {_quote(column.name)}"
        )
        if made.default != column.default and column.generated is None:
            wanted = "DROP DEFAULT" if column.default is None else f"SET DEFAULT {column.default}"
            out.append(f"{alter} {wanted}")
        if made.nullable and not column.nullable:
            out.append(f"{alter} SET NOT NULL")
    return out


def parents_of(table: Table, keys: set[str]) -> list[str]:
    """The tables ``table`` needs first (its INHERITS parents, its partitioned table),
    as keys among ``keys`` (``schema.name``)."""
    found = [p for p in table.inherits if p in keys]
    if table.partition_of:
        # regclass text leaves out a schema on the search path, and quotes where needed
        bare = table.partition_of.replace('"', "")
        for candidate in (bare, f"public.{bare}", f"{table.schema}.{bare}"):
            if candidate in keys:
                found.append(candidate)
                break
    return found


def tables_in_order(tables: Iterable[Table]) -> list[Table]:
    """``tables`` each after its parents and partitioned table, then by name."""
    by_key = {t.qualified: t for t in tables}
    keys = set(by_key)
    done: dict[str, Table] = {}

    def visit(table: Table, seen: frozenset[str]) -> None:
        if table.qualified in done or table.qualified in seen:
            return
        for parent in parents_of(table, keys):
            visit(by_key[parent], seen | {table.qualified})
        done[table.qualified] = table

    for key in sorted(by_key, key=lambda k: (by_key[k].schema, by_key[k].name)):
        visit(by_key[key], frozenset())
    return list(done.values())


def render(schema: Schema) -> str:
    """The SQL script that builds ``schema`` in an empty database."""
    out: list[str] = [
        "-- Written by pgshift dump.",
        "SET check_function_bodies = false;",
    ]
    for ext in schema.extensions:
        out.append(f"CREATE EXTENSION IF NOT EXISTS {_quote(ext.name)} WITH SCHEMA "
                   f"{_quote(ext.schema)};")  # fmt: skip
    out.extend(f"CREATE SCHEMA IF NOT EXISTS {_quote(s)};" for s in schema.schema_names)
    for namespace in schema.schemas:
        target = f"SCHEMA {_quote(namespace.name)}"
        if namespace.name == "public":
            if namespace.grants in _PUBLIC_SCHEMA_DEFAULTS:
                continue  # as every new database has it (PostgreSQL 15+ or before)
            out.append(f"REVOKE ALL ON {target} FROM PUBLIC;")
        out.extend(grant_sql(g, target) for g in namespace.grants)
    out.extend(collation_sql(c) + ";" for c in schema.collations)
    for enum in schema.enums:
        labels = ", ".join(literal(label) for label in enum.labels)
        out.append(f"CREATE TYPE {ident(enum.schema, enum.name)} AS ENUM ({labels});")
    for composite in schema.composites:
        attrs = ", ".join(f"{_quote(a)} {t}" for a, t in composite.attributes)
        out.append(f"CREATE TYPE {ident(composite.schema, composite.name)} AS ({attrs});")
    out.extend(domain_sql(domain) + ";" for domain in schema.domains)
    owned = set()
    for seq in schema.sequences:
        if seq.owned_by:
            owned.add((seq.schema, seq.name))
            table_name = seq.owned_by.rsplit(".", 1)[0]
            table = schema.table(table_name)
            column = seq.owned_by.rsplit(".", 1)[1]
            if table and any(c.name == column and c.identity for c in table.columns):
                continue  # an identity column makes its own sequence, with its options
        out.append(create_sequence_sql(seq) + ";")
    relations = {t.qualified for t in schema.tables} | {t.name for t in schema.tables}
    late = {f.signature for f in schema.functions if needs_tables(f, relations)}
    out.extend(
        f.definition.strip() + ";"
        for f in schema.functions
        if f.definition and f.signature not in late
    )
    # parents before their children and partitions
    tables = tables_in_order(t for t in schema.tables if t.kind in ("table", "partitioned table"))
    for table in tables:
        out.append(create_table_sql(table, schema.sequences))
        out.extend(line + ";" for line in inherited_columns_sql(schema, table))
    for seq in schema.sequences:
        if seq.owned_by and not is_identity(schema, seq.owned_by):
            table_name, column = seq.owned_by.rsplit(".", 1)
            schema_name, bare = table_name.split(".", 1)
            out.append(
                f"ALTER SEQUENCE {ident(seq.schema, seq.name)} OWNED BY "
                f"{ident(schema_name, bare, column)};"
            )
    for kinds in (("primary key", "unique", "check", "exclusion"), ("foreign key",)):
        for table in tables:
            for c in table.constraints:  # a partition's own: its parent's are not in it
                if c.kind in kinds:
                    valid = "" if c.valid else " NOT VALID"
                    out.append(
                        f"ALTER TABLE {ident(table.schema, table.name)} ADD CONSTRAINT "
                        f"{_quote(c.name)} {c.definition}"
                        + ("" if c.definition.endswith("NOT VALID") else valid)
                        + ";"
                    )
    for table in tables:
        for index in table.indexes:
            if index.constraint is None:
                out.extend(line + ";" for line in index_statements(table, index))
        out.extend(statistics_sql(table))
        out.extend(
            column_statistics_sql(table, c) for c in table.columns if c.statistics is not None
        )
        out.extend(cluster_sql(table))
    out.extend(f.definition.strip() + ";" for f in schema.functions if f.signature in late)
    for view in views_in_order(schema.tables):
        kind = "MATERIALIZED VIEW" if view.kind == "materialized view" else "VIEW"
        body = (view.definition or "").strip().rstrip(";")
        out.append(f"CREATE {kind} {ident(view.schema, view.name)} AS\n{body};")
        for index in view.indexes:
            out.append(index.definition + ";")
    for table in schema.tables:
        out.extend(t.definition + ";" for t in table.triggers)
        name = ident(table.schema, table.name)
        kind = {"view": "VIEW", "materialized view": "MATERIALIZED VIEW"}.get(table.kind, "TABLE")
        if table.options:
            out.append(f"ALTER {kind} {name} SET ({', '.join(table.options)});")
        if table.replica_identity != "default":
            out.append(replica_identity_sql(table) + ";")
        if table.row_security:
            out.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;")
        if table.force_row_security:
            out.append(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY;")
        out.extend(policy_sql(p, name) + ";" for p in table.policies)
    for table in schema.tables:
        out.extend(grant_sql(g, f"TABLE {ident(table.schema, table.name)}") for g in table.grants)
    for seq in schema.sequences:
        out.extend(grant_sql(g, f"SEQUENCE {ident(seq.schema, seq.name)}") for g in seq.grants)
    for function in schema.functions:
        if function.kind not in ("function", "procedure"):
            continue
        target = f"{function.kind.upper()} {function_target(function)}"
        if function.grants != _DEFAULT_EXECUTE:
            out.append(f"REVOKE ALL ON {target} FROM PUBLIC;")
            out.extend(grant_sql(g, target) for g in function.grants)
    types: list[EnumType | Domain | CompositeType] = [
        *schema.enums,
        *schema.domains,
        *schema.composites,
    ]
    for udt in types:
        if udt.grants != _DEFAULT_USAGE:
            target = f"TYPE {ident(udt.schema, udt.name)}"
            out.append(f"REVOKE ALL ON {target} FROM PUBLIC;")
            out.extend(grant_sql(g, target) for g in udt.grants)
    out.extend(_comments(schema))
    return "\n\n".join(out) + "\n"


_DEFAULT_EXECUTE = (Grant("PUBLIC", "EXECUTE"),)
_DEFAULT_USAGE = (Grant("PUBLIC", "USAGE"),)
# What PUBLIC holds on the public schema of a new database: since 15, before 15.
_PUBLIC_SCHEMA_DEFAULTS = (
    (Grant("PUBLIC", "USAGE"),),
    (Grant("PUBLIC", "CREATE"), Grant("PUBLIC", "USAGE")),
)


def function_target(function: Function) -> str:
    """``schema.name(arguments)``, as GRANT, COMMENT and DROP name a function."""
    return f"{ident(function.schema, function.name)}({function.arguments})"


def needs_tables(function: Function, relations: set[str]) -> bool:
    """Whether a function can only be created once the tables exist: it takes or
    returns a table's row type, or its SQL body is parsed at creation (BEGIN ATOMIC)."""
    if "BEGIN ATOMIC" in function.definition:
        return True
    words = re.findall(r"[\w.\"]+", f"{function.arguments} {function.returns or ''}")
    return any(w.replace('"', "") in relations for w in words)


def views_in_order(tables: Iterable[Table]) -> list[Table]:
    """The views and materialized views among ``tables``, each after the views it reads
    (then by name)."""
    views = {t.qualified: t for t in tables if t.kind in ("view", "materialized view")}
    done: dict[str, Table] = {}

    def visit(view: Table, seen: frozenset[str]) -> None:
        if view.qualified in done or view.qualified in seen:
            return
        for name in view.depends_on:
            if name in views:
                visit(views[name], seen | {view.qualified})
        done[view.qualified] = view

    for name in sorted(views):
        visit(views[name], frozenset())
    return list(done.values())


def domain_sql(domain: Domain) -> str:
    """CREATE DOMAIN with its default, NOT NULL and checks."""
    line = f"CREATE DOMAIN {ident(domain.schema, domain.name)} AS {domain.base_type}"
    if domain.collation:
        line += f" COLLATE {_quote(domain.collation)}"
    if domain.default is not None:
        line += f" DEFAULT {domain.default}"
    if not domain.nullable:
        line += " NOT NULL"
    return line + "".join(f" {check}" for check in domain.checks)


def grant_sql(grant: Grant, target: str) -> str:
    """The GRANT of one privilege on ``target`` (``TABLE x``, ``SCHEMA y``, ...)."""
    grantee = grant.grantee if grant.grantee == "PUBLIC" else _quote(grant.grantee)
    option = " WITH GRANT OPTION" if grant.grantable else ""
    return f"GRANT {grant.privilege} ON {target} TO {grantee}{option};"


def is_identity(schema: Schema, owned_by: str) -> bool:
    """Whether the column ``schema.table.column`` is an identity column."""
    table_name, column = owned_by.rsplit(".", 1)
    table = schema.table(table_name)
    return bool(table and any(c.name == column and c.identity for c in table.columns))


def comment_sql(target: str, text: str | None) -> list[str]:
    """COMMENT ON ``target``, or nothing when there is no comment."""
    return [f"COMMENT ON {target} IS {literal(text)};"] if text else []


_STANDARD_PUBLIC_COMMENT = "standard public schema"


def _comments(schema: Schema) -> list[str]:
    out = []
    for namespace in schema.schemas:
        if (namespace.name, namespace.comment) != ("public", _STANDARD_PUBLIC_COMMENT):
            out += comment_sql(f"SCHEMA {_quote(namespace.name)}", namespace.comment)
    types: list[EnumType | CompositeType] = [*schema.enums, *schema.composites]
    for udt in types:
        out += comment_sql(f"TYPE {ident(udt.schema, udt.name)}", udt.comment)
    for domain in schema.domains:
        out += comment_sql(f"DOMAIN {ident(domain.schema, domain.name)}", domain.comment)
    for collation in schema.collations:
        target = f"COLLATION {ident(collation.schema, collation.name)}"
        out += comment_sql(target, collation.comment)
    for seq in schema.sequences:
        out += comment_sql(f"SEQUENCE {ident(seq.schema, seq.name)}", seq.comment)
    for function in schema.functions:
        out += comment_sql(f"{function.kind.upper()} {function_target(function)}", function.comment)
    for table in schema.tables:
        name = ident(table.schema, table.name)
        kind = {"view": "VIEW", "materialized view": "MATERIALIZED VIEW"}.get(table.kind, "TABLE")
        out += comment_sql(f"{kind} {name}", table.comment)
        for column in table.columns:
            out += comment_sql(f"COLUMN {name}.{_quote(column.name)}", column.comment)
        for c in table.constraints:
            out += comment_sql(f"CONSTRAINT {_quote(c.name)} ON {name}", c.comment)
        for index in table.indexes:
            out += comment_sql(f"INDEX {ident(table.schema, index.name)}", index.comment)
        for stat in table.statistics:
            out += comment_sql(f"STATISTICS {ident(stat.schema, stat.name)}", stat.comment)
        for trigger in table.triggers:
            out += comment_sql(f"TRIGGER {_quote(trigger.name)} ON {name}", trigger.comment)
        for policy in table.policies:
            out += comment_sql(f"POLICY {_quote(policy.name)} ON {name}", policy.comment)
    return out
