"""The catalog queries that ``inspect`` sends: one per kind of object, for every user schema.

Each query reads one kind of object for every user schema at once (no query per
table); the system schemas, pgshift's own schema and objects that belong to
extensions are left out. The SQL is kept as literal text, in the order of the
columns :mod:`pgshift.schema.catalog_build` reads. Correct on PostgreSQL 12 to 18.
"""

from __future__ import annotations

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


def _depends(classid: str, objids: str) -> str:
    """SQL for the user objects that ``objids`` (of catalog ``classid``) depend on, from
    pg_depend, as text items ``function schema.name(args)``, ``type schema.name`` (arrays
    as their element) or ``table schema.name`` (a relation, or its row type); sorted."""
    return f"""ARRAY(SELECT DISTINCT x FROM (
         SELECT CASE
           WHEN d.refclassid = 'pg_proc'::regclass THEN (
             SELECT 'function ' || rn.nspname || '.' || rp.proname || '('
                    || pg_get_function_identity_arguments(rp.oid) || ')'
             FROM pg_proc rp JOIN pg_namespace rn ON rn.oid = rp.pronamespace
             WHERE rp.oid = d.refobjid AND {_USER_NS.replace("n.", "rn.")})
           WHEN d.refclassid = 'pg_type'::regclass THEN (
             SELECT CASE WHEN et.typrelid <> 0 AND rc.relkind <> 'c'
                         THEN 'table ' ELSE 'type ' END || rn.nspname || '.' || et.typname
             FROM pg_type rt
             JOIN pg_type et ON et.oid = CASE WHEN rt.typcategory = 'A' AND rt.typelem <> 0
                                              THEN rt.typelem ELSE rt.oid END
             JOIN pg_namespace rn ON rn.oid = et.typnamespace
             LEFT JOIN pg_class rc ON rc.oid = et.typrelid
             WHERE rt.oid = d.refobjid AND {_USER_NS.replace("n.", "rn.")})
           WHEN d.refclassid = 'pg_class'::regclass THEN (
             SELECT CASE WHEN rc.relkind = 'c' THEN 'type ' ELSE 'table ' END
                    || rn.nspname || '.' || rc.relname
             FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace
             WHERE rc.oid = d.refobjid AND {_USER_NS.replace("n.", "rn.")})
         END AS x
         FROM pg_depend d
         WHERE d.classid = '{classid}'::regclass AND d.objid IN ({objids})
           AND d.deptype = 'n') found
       WHERE x IS NOT NULL ORDER BY 1)::text[]"""


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
           WHERE rw.ev_class = c.oid ORDER BY 1) END::text[],
       c.reloptions,
       CASE WHEN c.relkind NOT IN ('r', 'p') THEN 'default'
            WHEN c.relreplident = 'n' THEN 'nothing'
            WHEN c.relreplident = 'f' THEN 'full'
            WHEN c.relreplident = 'i' THEN 'index ' || (
                SELECT ci.relname FROM pg_index x JOIN pg_class ci ON ci.oid = x.indexrelid
                WHERE x.indrelid = c.oid AND x.indisreplident)
            ELSE 'default' END,
       ARRAY(SELECT pn.nspname || '.' || pc.relname FROM pg_inherits ih
             JOIN pg_class pc ON pc.oid = ih.inhparent
             JOIN pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE ih.inhrelid = c.oid AND NOT c.relispartition ORDER BY ih.inhseqno)::text[]
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
       ds.description, NULLIF(a.attstattarget, -1), @COMPRESSION@,
       -- a partition's columns are all its parent's: not told apart
       a.attislocal OR c.relispartition
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
  -- what a parent gives its children and partitions is the parent's alone: checks
  -- inherited, keys cloned onto partitions (and onto the partitions a key references)
  AND co.conislocal AND co.conparentid = 0
"""

INDEXES_SQL = f"""
SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), am.amname,
       i.indnkeyatts, i.indkey::int2[],
       -- expressions deparsed by the server (dear, so only for them); columns by number
       CASE WHEN 0 = ANY (i.indkey::int2[]) THEN ARRAY(
           SELECT CASE WHEN k.num = 0 THEN pg_get_indexdef(i.indexrelid, k.n::int, true) END
           FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, n) ORDER BY k.n) END::text[],
       i.indisunique, i.indisprimary, i.indisvalid, @NULLS_NOT_DISTINCT@,
       pg_get_expr(i.indpred, i.indrelid), co.conname, ds.description, i.indisclustered,
       -- a partitioned table's index: the partition indexes attached to it
       CASE WHEN c.relkind = 'p' THEN ARRAY(
           SELECT ARRAY[pn.nspname || '.' || pc.relname, ci.relname]
           FROM pg_inherits ih
           JOIN pg_class ci ON ci.oid = ih.inhrelid
           JOIN pg_index ix ON ix.indexrelid = ci.oid
           JOIN pg_class pc ON pc.oid = ix.indrelid
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           WHERE ih.inhparent = i.indexrelid ORDER BY 1) END
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
  -- an index a partitioned table's index made on (or attached from) a partition is
  -- the parent's
  AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid)
"""

TRIGGERS_SQL = f"""
SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled <> 'D',
       {_comment("t.oid", "pg_trigger")}
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND @NOT_A_CLONE@ AND {_USER_NS}  -- clones are the parent's
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
       pg_get_userbyid(c.relowner), {_comment("c.oid", "pg_class")}, s.seqcache,
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
            WHEN t.typtype = 'd' THEN ARRAY(SELECT 'CONSTRAINT ' || quote_ident(co.conname)
                                                   || ' ' || pg_get_constraintdef(co.oid)
                                            FROM pg_constraint co
                                            WHERE co.contypid = t.oid AND co.contype = 'c'
                                            ORDER BY co.conname)
       END::text[],
       format_type(t.typbasetype, t.typtypmod), NOT t.typnotnull, t.typdefault,
       pg_get_userbyid(t.typowner), {_comment("t.oid", "pg_type")},
       {_grants("t.typacl", "T", "t.typowner")},
       -- what a domain's checks and default call or use (each check is a pg_constraint)
       CASE WHEN t.typtype = 'd' THEN
           {_depends("pg_type", "t.oid")} || {
    _depends("pg_constraint", "SELECT co.oid FROM pg_constraint co WHERE co.contypid = t.oid")
} END,
       CASE WHEN t.typtype = 'd' AND t.typcollation <> (
           SELECT bt.typcollation FROM pg_type bt WHERE bt.oid = t.typbasetype)
       THEN (SELECT dc.collname FROM pg_collation dc WHERE dc.oid = t.typcollation) END
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
       {_grants("p.proacl", "f", "p.proowner")},
       -- its signature's types, and what a SQL-standard body reads or calls
       {_depends("pg_proc", "p.oid")}
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE {_USER_NS} AND {_NOT_EXTENSION.format(oid="p.oid")}
"""

# stxstattarget is -1 for the default before PostgreSQL 17, NULL from 17
STATISTICS_SQL = f"""
SELECT s.stxrelid, sn.nspname, s.stxname, pg_get_statisticsobjdef(s.oid),
       @STX_TARGET@, {_comment("s.oid", "pg_statistic_ext")}
FROM pg_statistic_ext s
JOIN pg_namespace sn ON sn.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_USER_NS} AND {_NOT_EXTENSION.format(oid="s.oid")}
"""

COLLATIONS_SQL = f"""
SELECT n.nspname, c.collname,
       CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END,
       c.collisdeterministic,
       CASE WHEN c.collprovider = 'c' THEN c.collcollate END,
       CASE WHEN c.collprovider = 'c' THEN c.collctype END,
       CASE WHEN c.collprovider <> 'c' THEN @COLL_LOCALE@ END, @COLL_RULES@,
       pg_get_userbyid(c.collowner), {_comment("c.oid", "pg_collation")}
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE {_USER_NS} AND {_NOT_EXTENSION.format(oid="c.oid")}
ORDER BY 1, 2
"""

EXTENSIONS_SQL = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1
"""

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
    "statistics": STATISTICS_SQL,
    "collations": COLLATIONS_SQL,
}
QUERIES = len(_ALL)  # the number of queries inspect() sends, whatever the schema holds


def queries(server_version: int) -> dict[str, str]:
    """The catalog queries by name, written for a server version (``160004``: 16.4)."""
    # pg_index.indnullsnotdistinct came with PostgreSQL 15
    nulls = "i.indnullsnotdistinct" if server_version >= 150000 else "false"
    # pg_attribute.attcompression came with PostgreSQL 14 ('' for the default)
    compression = (
        "CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END"
        if server_version >= 140000
        else "NULL"
    )
    # an ICU collation's locale: in collcollate up to 14, colliculocale in 15 and 16,
    # colllocale from 17; tailoring rules from 16
    if server_version >= 170000:
        locale = "c.colllocale"
    elif server_version >= 150000:
        locale = "c.colliculocale"
    else:
        locale = "c.collcollate"
    rules = "c.collicurules" if server_version >= 160000 else "NULL::text"
    # a partition's clone of its parent's trigger: tgparentid from 13; before, the
    # clones were internal (tgisinternal) and the filter before it leaves them out
    clone = "t.tgparentid = 0" if server_version >= 130000 else "true"
    # pg_statistic_ext.stxstattarget came with PostgreSQL 13 (ALTER STATISTICS)
    target = "NULLIF(s.stxstattarget, -1)" if server_version >= 130000 else "NULL::int"
    fills = {
        "@NOT_A_CLONE@": clone,
        "@STX_TARGET@": target,
        "@NULLS_NOT_DISTINCT@": nulls,
        "@COMPRESSION@": compression,
        "@COLL_LOCALE@": locale,
        "@COLL_RULES@": rules,
    }
    out = {}
    for name, sql in _ALL.items():
        for mark, text in fills.items():
            sql = sql.replace(mark, text)
        out[name] = sql
    return out
