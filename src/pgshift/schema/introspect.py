"""Catalogs to model: a fixed number of queries, whatever the number of objects.

Each query reads one kind of object for every user schema at once (no query per
table); the system schemas, pgshift's own schema and objects that belong to
extensions are left out. The SQL is kept as literal text beside the code that
reads it. Correct on PostgreSQL 13 to 18.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pgshift.schema.model import (
    Column,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    Grant,
    Index,
    Namespace,
    Policy,
    Schema,
    Sequence,
    Table,
    Trigger,
)

if TYPE_CHECKING:
    import psycopg


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)

_USER_NS = """
    n.nspname <> ALL (%(excluded)s) AND n.nspname !~ '^pg_'
    AND n.nspname <> 'information_schema'
"""
_NOT_EXTENSION = """
    NOT EXISTS (SELECT 1 FROM pg_depend dep
                WHERE dep.objid = {oid} AND dep.deptype = 'e')
"""


def _comment(oid: str, catalog: str) -> str:
    """SQL for an object's comment: a subquery planned once, where obj_description()
    is a function planned again for every row (a third of the tables query's time)."""
    return f"""(SELECT ds.description FROM pg_description ds
         WHERE ds.objoid = {oid} AND ds.classoid = '{catalog}'::regclass AND ds.objsubid = 0)"""


def _grants(acl: str, kind: str, owner: str) -> str:
    """SQL for an object's privileges held by others than its owner, as text items
    ``grantee privilege[ *]`` (``*``: with grant option); no ACL means the default."""
    return f"""ARRAY(
         SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
                || ' ' || a.privilege_type || CASE WHEN a.is_grantable THEN ' *' ELSE '' END
         FROM aclexplode(coalesce({acl}, acldefault('{kind}', {owner}))) a
         WHERE a.grantee <> {owner} ORDER BY 1)::text[]"""


SCHEMAS_SQL = f"""
SELECT n.nspname, pg_get_userbyid(n.nspowner), {_comment("n.oid", "pg_namespace")},
       {_grants("n.nspacl", "n", "n.nspowner")}
FROM pg_namespace n WHERE {_USER_NS} ORDER BY 1
"""

TABLES_SQL = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence = 'u',
       {_comment("c.oid", "pg_class")}, c.relrowsecurity, c.relforcerowsecurity,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       (SELECT i.inhparent::regclass::text FROM pg_inherits i
         WHERE i.inhrelid = c.oid AND c.relispartition),
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
       pg_get_userbyid(c.relowner),
       {_grants("c.relacl", "r", "c.relowner")},
       CASE WHEN c.relkind IN ('v', 'm') THEN ARRAY(
           SELECT DISTINCT dn.nspname || '.' || dc.relname
           FROM pg_rewrite rw
           JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
           JOIN pg_class dc ON dc.oid = d.refobjid
           JOIN pg_namespace dn ON dn.oid = dc.relnamespace
           WHERE rw.ev_class = c.oid ORDER BY 1) END::text[]
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {_USER_NS}
  AND {_NOT_EXTENSION.format(oid="c.oid")}
"""

COLUMNS_SQL = f"""
SELECT a.attrelid, a.attnum, quote_ident(a.attname), a.attname,
       format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
       a.attgenerated = 'v',
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       ds.description
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.objsubid = a.attnum
                           AND ds.classoid = 'pg_class'::regclass
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND {_USER_NS}
ORDER BY a.attrelid, a.attnum
"""

CONSTRAINTS_SQL = f"""
SELECT co.conrelid, co.conname, co.contype, pg_get_constraintdef(co.oid),
       co.conkey,
       -- the referenced table may lie outside the schemas read: its names come from here
       CASE WHEN co.contype = 'f' THEN
           ARRAY(SELECT a.attname FROM unnest(co.confkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num
                 ORDER BY k.ord) END::text[],
       co.confupdtype, co.confdeltype, co.confmatchtype,
       co.condeferrable, co.condeferred, co.convalidated,
       {_comment("co.oid", "pg_constraint")},
       (SELECT nf.nspname || '.' || cf.relname FROM pg_class cf
          JOIN pg_namespace nf ON nf.oid = cf.relnamespace WHERE cf.oid = co.confrelid)
FROM pg_constraint co
JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE co.contype IN ('p', 'f', 'u', 'c', 'x') AND {_USER_NS}
"""

INDEXES_SQL = f"""
SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), am.amname,
       i.indnkeyatts, i.indkey::int2[],
       -- expressions deparsed by the server (dear, so only for them); columns by number
       CASE WHEN 0 = ANY (i.indkey::int2[]) THEN ARRAY(
           SELECT CASE WHEN k.num = 0 THEN pg_get_indexdef(i.indexrelid, k.n::int, true) END
           FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, n) ORDER BY k.n) END::text[],
       i.indisunique, i.indisprimary, i.indisvalid, @NULLS_NOT_DISTINCT@,
       pg_get_expr(i.indpred, i.indrelid), co.conname, ds.description
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
-- a join, not a subquery per index: pg_constraint has no index on conindid
LEFT JOIN pg_constraint co ON co.conindid = i.indexrelid AND co.conrelid = i.indrelid
                          AND co.contype IN ('p', 'u', 'x')
LEFT JOIN pg_description ds ON ds.objoid = i.indexrelid AND ds.objsubid = 0
                           AND ds.classoid = 'pg_class'::regclass
WHERE {_USER_NS}
"""

TRIGGERS_SQL = f"""
SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled <> 'D',
       {_comment("t.oid", "pg_trigger")}
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND {_USER_NS}
"""

POLICIES_SQL = f"""
SELECT p.polrelid, p.polname,
       CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                     WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
       p.polpermissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END
             FROM unnest(p.polroles) r ORDER BY 1)::text[],
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
       {_comment("p.oid", "pg_policy")}
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_USER_NS}
"""

SEQUENCES_SQL = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcycle,
       (SELECT dn.nspname || '.' || dc.relname || '.' || a.attname
          FROM pg_depend d
          JOIN pg_class dc ON dc.oid = d.refobjid
          JOIN pg_namespace dn ON dn.oid = dc.relnamespace
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1),
       pg_get_userbyid(c.relowner), {_comment("c.oid", "pg_class")},
       {_grants("c.relacl", "s", "c.relowner")}
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_USER_NS} AND {_NOT_EXTENSION.format(oid="c.oid")}
"""

TYPES_SQL = f"""
SELECT t.typtype, n.nspname, t.typname,
       CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e
                                            WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
            WHEN t.typtype = 'c' THEN ARRAY(SELECT a.attname || ' ' ||
                                                   format_type(a.atttypid, a.atttypmod)
                                            FROM pg_attribute a
                                            WHERE a.attrelid = t.typrelid AND a.attnum > 0
                                              AND NOT a.attisdropped ORDER BY a.attnum)
            WHEN t.typtype = 'd' THEN ARRAY(SELECT pg_get_constraintdef(co.oid)
                                            FROM pg_constraint co
                                            WHERE co.contypid = t.oid AND co.contype = 'c'
                                            ORDER BY co.conname)
       END::text[],
       format_type(t.typbasetype, t.typtypmod), NOT t.typnotnull, t.typdefault,
       pg_get_userbyid(t.typowner), {_comment("t.oid", "pg_type")},
       {_grants("t.typacl", "T", "t.typowner")}
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE (t.typtype IN ('e', 'd')
       OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
  AND {_USER_NS} AND {_NOT_EXTENSION.format(oid="t.oid")}
"""

FUNCTIONS_SQL = f"""
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                      WHEN 'a' THEN 'aggregate' ELSE 'window' END,
       CASE WHEN p.prokind IN ('f', 'w') THEN pg_get_function_result(p.oid) END,
       l.lanname,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE '' END,
       pg_get_userbyid(p.proowner), {_comment("p.oid", "pg_proc")},
       {_grants("p.proacl", "f", "p.proowner")}
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE {_USER_NS} AND {_NOT_EXTENSION.format(oid="p.oid")}
"""

EXTENSIONS_SQL = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1
"""

_KINDS = {
    "r": "table",
    "p": "partitioned table",
    "v": "view",
    "m": "materialized view",
    "f": "foreign table",
}
_CONSTRAINT_KINDS = {
    "p": "primary key",
    "f": "foreign key",
    "u": "unique",
    "c": "check",
    "x": "exclusion",
}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}

_ALL = {
    "schemas": SCHEMAS_SQL,
    "tables": TABLES_SQL,
    "columns": COLUMNS_SQL,
    "constraints": CONSTRAINTS_SQL,
    "indexes": INDEXES_SQL,
    "triggers": TRIGGERS_SQL,
    "policies": POLICIES_SQL,
    "sequences": SEQUENCES_SQL,
    "types": TYPES_SQL,
    "functions": FUNCTIONS_SQL,
    "extensions": EXTENSIONS_SQL,
}
QUERIES = len(_ALL)  # the number of queries inspect() sends, whatever the schema holds

# Run on the helper connection, in parallel with the rest, when there is one: the
# dearest query (the server deparses every index), about half the time.
_HELPER_QUERIES = ("indexes",)


def queries(server_version: int) -> dict[str, str]:
    """The catalog queries by name, written for a server version (``160004``: 16.4)."""
    # pg_index.indnullsnotdistinct came with PostgreSQL 15
    nulls = "i.indnullsnotdistinct" if server_version >= 150000 else "false"
    return {name: sql.replace("@NULLS_NOT_DISTINCT@", nulls) for name, sql in _ALL.items()}


def inspect(
    conn: psycopg.Connection[Any],
    *,
    exclude: tuple[str, ...] = ("pgshift",),
    helper: psycopg.Connection[Any] | None = None,
) -> Schema:
    """The model of every user schema of the database ``conn`` is connected to.

    ``exclude`` names schemas to leave out besides the system ones (pgshift's own
    by default). With ``helper``, a second autocommit connection to the same
    database, the queries are shared between the two, which read one snapshot
    (exported by ``conn``, as pg_dump's parallel mode does): same model, less time.
    """
    from psycopg.pq import TransactionStatus

    params = {"excluded": list(exclude)}
    text = queries(conn.info.server_version)
    prefetched: dict[str, list[tuple[Any, ...]]] = {}
    shared = helper is not None and conn.autocommit and helper.autocommit

    def rows(name: str) -> list[tuple[Any, ...]]:
        if name in prefetched:
            return prefetched.pop(name)
        return conn.execute(text[name], params).fetchall()

    try:
        if shared and helper is not None:
            prefetched = _share(conn, helper, text, params)
        return _build(rows)
    finally:
        if shared and conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("COMMIT")


def _share(
    conn: psycopg.Connection[Any],
    helper: psycopg.Connection[Any],
    text: dict[str, str],
    params: dict[str, Any],
) -> dict[str, list[tuple[Any, ...]]]:
    """Run the helper's share of the queries in a thread, on ``conn``'s snapshot."""
    from concurrent.futures import ThreadPoolExecutor

    from psycopg import sql

    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    row = conn.execute("SELECT pg_export_snapshot()").fetchone()
    assert row is not None
    helper.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    helper.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(row[0])))

    def work() -> dict[str, list[tuple[Any, ...]]]:
        try:
            return {q: helper.execute(text[q], params).fetchall() for q in _HELPER_QUERIES}
        finally:
            helper.execute("COMMIT")

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        own = {
            q: conn.execute(text[q], params).fetchall() for q in text if q not in _HELPER_QUERIES
        }
        return own | future.result()


def _by_name(items: list[_N]) -> tuple[_N, ...]:
    return tuple(sorted(items, key=lambda item: item.name))


def _build(rows: Callable[[str], list[tuple[Any, ...]]]) -> Schema:
    schemas = tuple(
        Namespace(name, owner, comment, _parse_grants(acl))
        for name, owner, comment, acl in rows("schemas")
    )
    columns: dict[int, list[Column]] = defaultdict(list)
    names: dict[tuple[int, int], str] = {}  # (table oid, attnum) -> column name
    quoted: dict[tuple[int, int], str] = {}  # the same, as the server's deparser writes it
    for oid, num, as_written, *fields in rows("columns"):
        column = Column(*fields)
        columns[oid].append(column)
        names[oid, num] = column.name
        quoted[oid, num] = as_written
    indexes: dict[int, list[Index]] = defaultdict(list)
    for oid, name, definition, method, nkeys, nums, exprs, *flags in rows("indexes"):
        items = tuple(
            quoted[oid, num] if num else (exprs or ())[position]
            for position, num in enumerate(nums)
        )
        indexes[oid].append(Index(name, definition, method, items[:nkeys], items[nkeys:], *flags))
    constraints: dict[int, list[Constraint]] = defaultdict(list)
    for (
        oid, name, kind, definition, cols, ref_cols, upd, dele, match,
        deferrable, deferred, valid, comment, references,
    ) in rows("constraints"):  # fmt: skip
        foreign = kind == "f"
        backing = [i for i in indexes.get(oid, ()) if i.constraint == name]
        constraints[oid].append(
            Constraint(
                name=name,
                kind=_CONSTRAINT_KINDS[kind],
                definition=definition,
                columns=tuple(names[oid, n] for n in cols or ()),
                references=references if foreign else None,
                referenced_columns=tuple(ref_cols or ()) if foreign else (),
                on_update=_ACTIONS.get(upd) if foreign else None,
                on_delete=_ACTIONS.get(dele) if foreign else None,
                match=_MATCH.get(match) if foreign else None,
                deferrable=deferrable,
                deferred=deferred,
                valid=valid,
                nulls_not_distinct=any(i.nulls_not_distinct for i in backing),
                comment=comment,
            )
        )
    triggers: dict[int, list[Trigger]] = defaultdict(list)
    for oid, *fields in rows("triggers"):
        triggers[oid].append(Trigger(*fields))
    policies: dict[int, list[Policy]] = defaultdict(list)
    for oid, name, command, permissive, roles, using, check, comment in rows("policies"):
        policies[oid].append(Policy(name, command, permissive, tuple(roles), using, check, comment))

    tables = []
    for (
        oid, schema, name, kind, unlogged, comment, rls, force_rls, definition,
        partition_key, partition_of, partition_bound, owner, acl, depends_on,
    ) in rows("tables"):  # fmt: skip
        tables.append(
            Table(
                schema=schema,
                name=name,
                kind=_KINDS[kind],
                columns=tuple(columns.get(oid, ())),
                constraints=_by_name(constraints.get(oid, [])),
                indexes=_by_name(indexes.get(oid, [])),
                triggers=_by_name(triggers.get(oid, [])),
                policies=_by_name(policies.get(oid, [])),
                comment=comment,
                definition=definition,
                unlogged=unlogged,
                row_security=rls,
                force_row_security=force_rls,
                partition_key=partition_key,
                partition_of=partition_of,
                partition_bound=partition_bound,
                owner=owner,
                grants=_parse_grants(acl),
                depends_on=tuple(depends_on or ()),
            )
        )

    enums, domains, composites = [], [], []
    for kind, schema, name, items, base, nullable, default, owner, comment, acl in rows("types"):
        grants = _parse_grants(acl)
        if kind == "e":
            enums.append(EnumType(schema, name, tuple(items or ()), owner, comment, grants))
        elif kind == "d":
            checks = tuple(items or ())
            domains.append(
                Domain(schema, name, base, nullable, default, checks, owner, comment, grants)
            )
        else:
            pairs = (item.split(" ", 1) for item in items or ())
            attributes = tuple((pair[0], pair[1]) for pair in pairs)
            composites.append(CompositeType(schema, name, attributes, owner, comment, grants))

    return Schema(
        schemas=schemas,
        tables=tuple(sorted(tables, key=lambda t: (t.schema, t.name))),
        sequences=tuple(
            sorted(
                (_with_grants(Sequence(*r[:-1]), r[-1]) for r in rows("sequences")),
                key=lambda s: (s.schema, s.name),
            )
        ),
        enums=tuple(sorted(enums, key=lambda e: (e.schema, e.name))),
        domains=tuple(sorted(domains, key=lambda d: (d.schema, d.name))),
        composites=tuple(sorted(composites, key=lambda c: (c.schema, c.name))),
        functions=tuple(
            sorted(
                (_with_grants(Function(*r[:-1]), r[-1]) for r in rows("functions")),
                key=lambda f: (f.schema, f.name, f.arguments),
            )
        ),
        extensions=tuple(Extension(*r) for r in rows("extensions")),
    )


_T = TypeVar("_T", Sequence, Function)


def _with_grants(value: _T, items: list[str] | None) -> _T:
    return replace(value, grants=_parse_grants(items))


def _parse_grants(items: list[str] | None) -> tuple[Grant, ...]:
    grants = []
    for item in items or ():
        grantee, privilege, *star = item.split(" ")
        grants.append(Grant(grantee, privilege, bool(star)))
    return tuple(grants)


def sizes(conn: psycopg.Connection[Any], schema: Schema) -> dict[str, tuple[int, int]]:
    """Row estimate and total size in bytes of each table, by ``schema.name``.

    Kept out of the model: they change with the data, not with the schema.
    """
    rows = conn.execute(
        """
        SELECT n.nspname || '.' || c.relname, greatest(c.reltuples, 0)::bigint,
               pg_total_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = ANY (%s)
        """,
        (list(schema.schema_names),),
    ).fetchall()
    return {name: (int(estimate), int(size)) for name, estimate, size in rows}
