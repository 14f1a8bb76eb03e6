"""Model to SQL: the schema as a script that builds it in an empty database.

Deterministic (objects sorted by name within each step) and in dependency order:
extensions, schemas, types, sequences, functions (bodies checked at call time),
tables, partitions, sequence ownership, keys, foreign keys, indexes, views,
triggers, row security and policies, comments. Definitions come from the server's
own deparsers (``pg_get_constraintdef``, ``pg_get_indexdef``, ...) kept in the model.
"""

from __future__ import annotations

from psycopg import sql

from pgshift.schema import Column, Grant, Schema, Table


def _ident(*names: str) -> str:
    return ".".join(_quote(n) for n in names)


def _quote(name: str) -> str:
    """An identifier quoted as PostgreSQL would need it (no connection required)."""
    plain = name.isidentifier() and name == name.lower() and name.isascii()
    return name if plain and name not in _RESERVED else '"' + name.replace('"', '""') + '"'


_RESERVED = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "system_user",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    ]
)


def _literal(text: str) -> str:
    return sql.Literal(text).as_string(None)


def _column(column: Column) -> str:
    parts = [_quote(column.name), column.type]
    if column.collation:
        parts.append(f"COLLATE {_quote(column.collation)}")
    if column.identity:
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    if column.generated:
        parts.append(f"GENERATED ALWAYS AS {column.generated} STORED")
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def _create_table(table: Table) -> str:
    name = _ident(table.schema, table.name)
    if table.partition_of:
        return f"CREATE TABLE {name} PARTITION OF {table.partition_of} {table.partition_bound};"
    columns = ",\n".join(f"    {_column(c)}" for c in table.columns)
    unlogged = "UNLOGGED " if table.unlogged else ""
    tail = f" PARTITION BY {table.partition_key}" if table.partition_key else ""
    return f"CREATE {unlogged}TABLE {name} (\n{columns}\n){tail};"


def render(schema: Schema) -> str:
    """The SQL script that builds ``schema`` in an empty database."""
    out: list[str] = [
        "-- Written by pgshift dump.",
        "SET check_function_bodies = false;",
    ]
    for ext in schema.extensions:
        out.append(f"CREATE EXTENSION IF NOT EXISTS {_quote(ext.name)} WITH SCHEMA "
                   f"{_quote(ext.schema)};")  # fmt: skip
    out.extend(f"CREATE SCHEMA IF NOT EXISTS {_quote(s)};" for s in schema.schemas)
    for enum in schema.enums:
        labels = ", ".join(_literal(label) for label in enum.labels)
        out.append(f"CREATE TYPE {_ident(enum.schema, enum.name)} AS ENUM ({labels});")
    for composite in schema.composites:
        attrs = ", ".join(f"{_quote(a)} {t}" for a, t in composite.attributes)
        out.append(f"CREATE TYPE {_ident(composite.schema, composite.name)} AS ({attrs});")
    for domain in schema.domains:
        line = f"CREATE DOMAIN {_ident(domain.schema, domain.name)} AS {domain.base_type}"
        if domain.default is not None:
            line += f" DEFAULT {domain.default}"
        if not domain.nullable:
            line += " NOT NULL"
        line += "".join(f" {check}" for check in domain.checks)
        out.append(line + ";")
    owned = set()
    for seq in schema.sequences:
        if seq.owned_by:
            owned.add((seq.schema, seq.name))
            table_name = seq.owned_by.rsplit(".", 1)[0]
            table = schema.table(table_name)
            column = seq.owned_by.rsplit(".", 1)[1]
            if table and any(c.name == column and c.identity for c in table.columns):
                continue  # an identity column makes its own sequence
        out.append(
            f"CREATE SEQUENCE {_ident(seq.schema, seq.name)} AS {seq.type} "
            f"INCREMENT {seq.increment} MINVALUE {seq.minimum} MAXVALUE {seq.maximum} "
            f"START {seq.start}{' CYCLE' if seq.cycle else ''};"
        )
    out.extend(f.definition.strip() + ";" for f in schema.functions if f.definition)
    tables = [t for t in schema.tables if t.kind in ("table", "partitioned table")]
    # partition parents before their partitions
    tables.sort(key=lambda t: (t.partition_of is not None, t.schema, t.name))
    out.extend(_create_table(t) for t in tables)
    for seq in schema.sequences:
        if seq.owned_by and not _is_identity(schema, seq.owned_by):
            table_name, column = seq.owned_by.rsplit(".", 1)
            schema_name, bare = table_name.split(".", 1)
            out.append(
                f"ALTER SEQUENCE {_ident(seq.schema, seq.name)} OWNED BY "
                f"{_ident(schema_name, bare, column)};"
            )
    for kinds in (("primary key", "unique", "check", "exclusion"), ("foreign key",)):
        for table in tables:
            if table.partition_of:
                continue  # partitions inherit their parent's constraints
            for c in table.constraints:
                if c.kind in kinds:
                    valid = "" if c.valid else " NOT VALID"
                    out.append(
                        f"ALTER TABLE {_ident(table.schema, table.name)} ADD CONSTRAINT "
                        f"{_quote(c.name)} {c.definition}"
                        + ("" if c.definition.endswith("NOT VALID") else valid)
                        + ";"
                    )
    for table in tables:
        if table.partition_of:
            continue
        for index in table.indexes:
            if index.constraint is None:
                out.append(index.definition + ";")
    views = [t for t in schema.tables if t.kind in ("view", "materialized view")]
    for view in views:
        kind = "MATERIALIZED VIEW" if view.kind == "materialized view" else "VIEW"
        body = (view.definition or "").strip().rstrip(";")
        out.append(f"CREATE {kind} {_ident(view.schema, view.name)} AS\n{body};")
        for index in view.indexes:
            out.append(index.definition + ";")
    for table in schema.tables:
        out.extend(t.definition + ";" for t in table.triggers)
        name = _ident(table.schema, table.name)
        if table.row_security:
            out.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;")
        if table.force_row_security:
            out.append(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY;")
        for p in table.policies:
            line = (
                f"CREATE POLICY {_quote(p.name)} ON {name} AS "
                f"{'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} FOR {p.command} "
                f"TO {', '.join(r if r == 'public' else _quote(r) for r in p.roles)}"
            )
            if p.using:
                line += f" USING ({p.using})"
            if p.check:
                line += f" WITH CHECK ({p.check})"
            out.append(line + ";")
    for table in schema.tables:
        out.extend(_grant(g, f"TABLE {_ident(table.schema, table.name)}") for g in table.grants)
    for seq in schema.sequences:
        out.extend(_grant(g, f"SEQUENCE {_ident(seq.schema, seq.name)}") for g in seq.grants)
    for function in schema.functions:
        if function.kind not in ("function", "procedure"):
            continue
        target = f"{function.kind.upper()} {_ident(function.schema, function.name)}"
        target += f"({function.arguments})"
        if function.grants != _DEFAULT_EXECUTE:
            out.append(f"REVOKE ALL ON {target} FROM PUBLIC;")
            out.extend(_grant(g, target) for g in function.grants)
    out.extend(_comments(schema))
    return "\n\n".join(out) + "\n"


_DEFAULT_EXECUTE = (Grant("PUBLIC", "EXECUTE"),)


def _grant(grant: Grant, target: str) -> str:
    grantee = grant.grantee if grant.grantee == "PUBLIC" else _quote(grant.grantee)
    option = " WITH GRANT OPTION" if grant.grantable else ""
    return f"GRANT {grant.privilege} ON {target} TO {grantee}{option};"


def _is_identity(schema: Schema, owned_by: str) -> bool:
    table_name, column = owned_by.rsplit(".", 1)
    table = schema.table(table_name)
    return bool(table and any(c.name == column and c.identity for c in table.columns))


def _comments(schema: Schema) -> list[str]:
    out = []
    for table in schema.tables:
        name = _ident(table.schema, table.name)
        kind = {"view": "VIEW", "materialized view": "MATERIALIZED VIEW"}.get(table.kind, "TABLE")
        if table.comment:
            out.append(f"COMMENT ON {kind} {name} IS {_literal(table.comment)};")
        for column in table.columns:
            if column.comment:
                out.append(
                    f"COMMENT ON COLUMN {name}.{_quote(column.name)} IS {_literal(column.comment)};"
                )
    for enum in schema.enums:
        if enum.comment:
            out.append(
                f"COMMENT ON TYPE {_ident(enum.schema, enum.name)} IS {_literal(enum.comment)};"
            )
    return out
