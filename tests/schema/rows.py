"""Rows for the diff cases: made in a from its catalog, kept where they fit b, checked after.

A diff never loses data that both schemas can hold. So before the script runs, every
ordinary table of a (partitions included, parents first) gets a few rows whose values
suit each column: its type, NOT NULL, defaults, check constraints, partition bounds,
foreign keys. Each row is also put into b's table (renames followed), with a's values
as text: a row b refuses does not fit b and is not kept in a either. What b holds for
the row, read back as text, is what a must hold once the script has run; a column the
script destroys on purpose (a destructive step) is not compared.

Rows already in a table (loaded by ``a.sql`` or by the case's own ``rows.sql``) are
taken as they are; each must fit b.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from pgshift.schema.sql import Step

ROWS_PER_TABLE = 3
TRIES_PER_ROW = 14

Text = str | None  # a value as ``::text`` shows it, None for NULL
Row = dict[str, Text]  # column name -> value
Conn = psycopg.Connection[TupleRow]


# --- the catalog ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # as format_type writes it: usable in a cast
    type_oid: int
    not_null: bool
    has_default: bool  # a default or an identity
    generated: bool
    type_key: str  # schema.name of the type, or of the elements of an array type


@dataclass(frozen=True, slots=True)
class ForeignKey:
    columns: tuple[str, ...]
    parent: str  # schema.name
    parent_columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """An ordinary or partitioned table, as the catalog of one database has it."""

    schema: str
    name: str
    partitioned: bool
    parent: str | None  # the table this is a partition of
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    # check constraints and the partition bound, each with the columns it is about
    rules: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


_RELATIONS = """
SELECT c.oid, n.nspname, c.relname, c.relkind = 'p',
       (SELECT pn.nspname || '.' || p.relname FROM pg_inherits i
          JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
         WHERE i.inhrelid = c.oid AND c.relispartition),
       pg_get_expr(c.relpartbound, c.oid),
       ARRAY(SELECT a.attname::text FROM pg_inherits i
               JOIN pg_partitioned_table pt ON pt.partrelid = i.inhparent
               CROSS JOIN LATERAL unnest(pt.partattrs::int2[]) k(n)
               JOIN pg_attribute a ON a.attrelid = i.inhparent AND a.attnum = k.n
              WHERE i.inhrelid = c.oid AND c.relispartition)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                     AND d.objid = c.oid AND d.deptype = 'e')
"""

_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull,
       a.atthasdef OR a.attidentity <> '', a.attgenerated <> '',
       (SELECT tn.nspname || '.' || e.typname FROM pg_type e
          JOIN pg_namespace tn ON tn.oid = e.typnamespace
         WHERE e.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END)
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
 WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum
"""

# a partitioned table referenced by a foreign key gets one more constraint per partition:
# those are left out, the one on the partitioned table says it all
_CONSTRAINTS = """
SELECT con.contype, pg_get_constraintdef(con.oid),
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
       (SELECT fn.nspname || '.' || f.relname FROM pg_class f
          JOIN pg_namespace fn ON fn.oid = f.relnamespace WHERE f.oid = con.confrelid),
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)
  FROM pg_constraint con
 WHERE con.conrelid = %s
   AND NOT (con.contype = 'f' AND con.conparentid <> 0
            AND (SELECT f.relispartition FROM pg_class f WHERE f.oid = con.confrelid))
"""


def relations(conn: Conn) -> dict[str, Relation]:
    """The ordinary and partitioned tables of a database (not an extension's), by key."""
    found: dict[str, Relation] = {}
    for oid, schema, name, partitioned, parent, bound, key_columns in conn.execute(_RELATIONS):
        columns = tuple(
            Column(str(n), str(t), int(o), bool(nn), bool(d), bool(g), str(tk))
            for n, t, o, nn, d, g, tk in conn.execute(_COLUMNS, (oid,))
        )
        primary: tuple[str, ...] = ()
        foreign: list[ForeignKey] = []
        rules: list[tuple[str, tuple[str, ...]]] = []
        for kind, definition, cols, parent_table, parent_cols in conn.execute(_CONSTRAINTS, (oid,)):
            names = tuple(str(c) for c in cols)
            if kind == "p":
                primary = names
            elif kind == "f":
                others = tuple(str(c) for c in parent_cols)
                foreign.append(ForeignKey(names, str(parent_table), others))
            elif kind == "c":
                rules.append((str(definition), names))
        if bound:
            rules.append((str(bound), tuple(str(c) for c in key_columns)))
        relation = Relation(
            str(schema),
            str(name),
            bool(partitioned),
            str(parent) if parent else None,
            columns,
            primary,
            tuple(foreign),
            tuple(rules),
        )
        found[relation.key] = relation
    return found


# --- what the script renames and destroys ---------------------------------------------------

_IDENT = r'(?:"(?:[^"]|"")*"|[^\s".]+)'


def _unquote(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text


@dataclass(frozen=True, slots=True)
class Effects:
    """What a script's steps do to the tables of a: renames, and data destroyed on purpose."""

    steps: tuple[Step, ...]
    tables: dict[str, str]  # old key -> new key
    columns: dict[tuple[str, str], str]  # (old table key, old column) -> new column

    @classmethod
    def of(cls, steps: Iterable[Step]) -> Effects:
        tables: dict[str, str] = {}
        columns: dict[tuple[str, str], str] = {}
        for step in steps:
            if step.action != "rename":
                continue
            if step.kind == "table":
                new = re.search(rf"RENAME TO ({_IDENT})\s*;?\s*$", step.sql)
                assert new, step.sql
                schema = step.name.partition(".")[0]
                tables[step.name] = f"{schema}.{_unquote(new.group(1))}"
            elif step.kind == "column":
                names = re.search(rf"RENAME COLUMN ({_IDENT}) TO ({_IDENT})\s*;?\s*$", step.sql)
                assert names, step.sql
                old = _unquote(names.group(1))
                owner = step.name[: -len(old) - 1]
                columns[(owner, old)] = _unquote(names.group(2))
        return cls(tuple(steps), tables, columns)

    def table(self, key: str) -> str:
        """The name in b of a's table ``key``."""
        return self.tables.get(key, key)

    def column(self, table: str, column: str) -> str:
        """The name in b of the column of a's table ``table``."""
        return self.columns.get((table, column), column)

    def table_in_a(self, key: str) -> str:
        """The name in a of b's table ``key``."""
        return next((old for old, new in self.tables.items() if new == key), key)

    def column_in_a(self, table: str, column: str) -> str:
        """The name in a of a column of a's table ``table``, named ``column`` in b."""
        return next(
            (old for (t, old), new in self.columns.items() if t == table and new == column),
            column,
        )

    def destroys_table(self, table: str) -> Step | None:
        """The destructive step that drops a's table ``table``, if one does."""
        names = {table, self.table(table)}
        return next(
            (s for s in self.steps if s.destructive and s.kind == "table" and s.name in names),
            None,
        )

    def destroys_column(self, table: str, column: Column) -> Step | None:
        """The destructive step that takes the values of a column of a's ``table``, if any:
        one on the column, or one on its type (an enum's label, a composite's attribute)."""
        names = {f"{table}.{column.name}", f"{self.table(table)}.{self.column(table, column.name)}"}
        destroying = [s for s in self.steps if s.destructive]
        return next(
            (s for s in destroying if s.kind == "column" and s.name in names),
            next(
                (
                    s
                    for s in destroying
                    if s.kind in ("type", "enum", "domain") and s.name == column.type_key
                ),
                None,
            ),
        )

    def touching(self, table: str, column: str | None) -> list[Step]:
        """The steps about a's ``table`` (and ``column``): where data it lost went."""
        tables = {table, self.table(table)}
        columns = (
            {f"{table}.{column}", f"{self.table(table)}.{self.column(table, column)}"}
            if column
            else set()
        )
        steps = [
            s
            for s in self.steps
            if (s.kind == "column" and s.name in columns)
            or (s.kind == "table" and s.name in tables)
        ]
        return steps or [s for s in self.steps if any(s.name.startswith(f"{t}.") for t in tables)]


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Type:
    kind: str  # typtype: b, d, e, r, m, c, p
    category: str
    name: str
    element: int
    base: int
    subtype: int  # ranges; for a multirange, its range type
    labels: tuple[str, ...]
    checks: tuple[str, ...]  # a domain's
    attributes: tuple[int, ...]  # a composite type's


_TYPE = """
SELECT t.typtype, t.typcategory, t.typname, t.typelem, t.typbasetype,
       coalesce(r.rngsubtype, m.rngtypid, 0),
       ARRAY(SELECT enumlabel::text FROM pg_enum WHERE enumtypid = t.oid ORDER BY enumsortorder),
       ARRAY(SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = t.oid),
       ARRAY(SELECT atttypid::int FROM pg_attribute
              WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped ORDER BY attnum)
  FROM pg_type t LEFT JOIN pg_range r ON r.rngtypid = t.oid
       -- rngmultitypid came with PostgreSQL 14 (multiranges): read it where it is
       LEFT JOIN pg_range m ON (to_jsonb(m) ->> 'rngmultitypid')::oid = t.oid
 WHERE t.oid = %s
"""

_DAY0 = datetime.date(2024, 1, 1)


def _array_item(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Sampler:
    """Values of any type of one database, as text, from a seed (distinct seeds, values)."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self._types: dict[int, _Type] = {}

    def _type(self, oid: int) -> _Type:
        if oid not in self._types:
            row = self._conn.execute(_TYPE, (oid,)).fetchone()
            assert row is not None, oid
            kind, category, name, element, base, subtype, labels, checks, attrs = row
            self._types[oid] = _Type(
                str(kind),
                str(category),
                str(name),
                int(element),
                int(base),
                int(subtype),
                tuple(labels),
                tuple(checks),
                tuple(attrs),
            )
        return self._types[oid]

    def hints(self, oid: int) -> list[str]:
        """Values the type itself names: an enum's labels, the literals of a domain's checks."""
        found: list[str] = []
        t = self._type(oid)
        while t.kind == "d":
            found += [literal for check in t.checks for literal in _literals(check)]
            t = self._type(t.base)
        return found + list(t.labels)

    def value(self, oid: int, type_text: str, seed: int, style: int) -> str | None:
        """A value of the type, or None when this sampler cannot make one."""
        t = self._type(oid)
        if t.kind == "d":
            return self.value(t.base, type_text, seed, style)
        if t.kind == "e":
            return t.labels[seed % len(t.labels)] if t.labels else None
        if t.kind == "r":
            low = self.value(t.subtype, "", 2 * seed, style)
            high = self.value(t.subtype, "", 2 * seed + 1, style)
            if low is None or high is None:
                return None
            return f"[{_array_item(low)},{_array_item(high)})"
        if t.kind == "m":
            inner = self.value(t.subtype, "", seed, style)
            return None if inner is None else "{" + inner + "}"
        if t.kind == "c":
            parts = [self.value(a, "", seed, style) for a in t.attributes]
            return "(" + ",".join("" if p is None else _array_item(p) for p in parts) + ")"
        if t.category == "A" and t.element:
            item = self.value(t.element, "", seed, style)
            return None if item is None else "{" + _array_item(item) + "}"
        return _base_value(t, type_text, seed, style)


def _base_value(t: _Type, type_text: str, seed: int, style: int) -> str | None:
    day = _DAY0 + datetime.timedelta(days=seed)
    match t.name:
        case "bool":
            return "true" if seed % 2 else "false"
        case "int2" | "int4" | "int8" | "numeric" | "float4" | "float8" | "money" | "oid":
            return str(seed)
        case "char":
            return str(seed % 10)
        case "date":
            return day.isoformat()
        case "timestamp" | "timestamptz":
            return f"{day.isoformat()} 10:00:00"
        case "time" | "timetz":
            return f"{seed // 60 % 24:02d}:{seed % 60:02d}:00"
        case "interval":
            return f"{seed} days"
        case "uuid":
            return f"00000000-0000-4000-8000-{seed:012d}"
        case "json" | "jsonb":
            return f'{{"n": {seed}}}'
        case "bytea":
            return f"\\x{seed:04x}"
        case "inet":
            return f"10.0.{seed // 250 % 250}.{seed % 250 + 1}"
        case "cidr":
            return f"10.{seed % 250}.0.0/16"
        case "macaddr":
            return f"08:00:2b:00:{seed >> 8 & 255:02x}:{seed & 255:02x}"
        case "tsvector" | "tsquery":
            return f"w{seed}"
        case "xml":
            return f"<v>{seed}</v>"
        case "point":
            return f"({seed},{seed})"
        case "bit" | "varbit":
            width = re.search(r"\((\d+)\)", type_text)
            bits = int(width.group(1)) if width else (1 if t.name == "bit" else 8)
            return format(seed % (1 << bits), f"0{bits}b")
    if t.category == "S":  # text, varchar, char(n), name, citext, ...
        return str(seed) if style == 0 else f"v{seed}"
    return None


def _literals(text: str) -> list[str]:
    """The quoted literals of an SQL text, and its numbers."""
    quoted = [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", text)]
    bare = re.sub(r"'(?:[^']|'')*'", "", text)
    numbers = re.findall(r"(?<![\w.$])-?\d+(?:\.\d+)?(?![\w.$])", bare)
    return quoted + numbers


# --- filling --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Try:
    """How the values of one try at a row are chosen."""

    seed: int
    style: int
    literal: int | None = None  # which literal of the column's rules, if it has some
    default: bool = False  # DEFAULT where the column has one
    null: bool = False  # NULL where the column takes it


def _try(k: int, row: int, position: int, width: int) -> _Try:
    """Try ``k`` at a row, for the column at ``position`` of ``width`` columns: plain
    values, values with a margin between columns (checks like ``ends > starts``), the
    literals of the column's checks, defaults, values further afield (longer text, hash
    partitions), then one column NULL (a value b cannot take), then all NULL."""
    match k:
        case 0:
            return _Try(row + 1, 0)
        case 1:
            return _Try(10 * (row + 1) + position, 1, literal=row)
        case 2:
            return _Try(10 * (row + 1) + width - position, 0)
        case 3:
            return _Try(row + 1, 1, literal=row + 1)
        case 4:
            return _Try(row + 1, 0, literal=row + 2, default=True)
        case 5 | 6 | 7 | 8:
            return _Try(31 * k + 7 * row + position, k % 2, literal=row + k if k > 6 else None)
        case 9 | 10 | 11 | 12:
            return _Try(row + 1, 0, literal=row, null=position == k - 9)
    return _Try(row + 1, 0, literal=row, null=True)


@dataclass
class Filled:
    """One table of a, with the rows put in it, and what b holds for each."""

    table: str  # in a
    target: str | None  # in b, None when b has no such table
    count: int = 0  # rows in a's table once filled
    expected: list[Row] = field(default_factory=list)  # b's column -> value, one per row
    given: bool = False  # rows loaded by the case, not made here
    reason: str = ""  # why no row went in


class _Refused(Exception):
    """This try cannot make the row (no value for a column, no parent row to refer to)."""


class Filler:
    """Rows for the tables of a (connected), each also put into b where b has the table."""

    def __init__(
        self,
        a: Conn,
        b: Conn,
        effects: Effects,
    ) -> None:
        self.a, self.b, self.effects = a, b, effects
        self.a_tables = relations(a)
        self.b_tables = relations(b)
        self.sampler = Sampler(a)
        self.b_sampler = Sampler(b)
        self.rows: dict[str, list[Row]] = {}  # a's table -> a's rows, as text
        self.filled: list[Filled] = []
        # b holds a's values as they are, not what b's own triggers would make of them
        # (b's model is taken already: its triggers are off for good)
        # each by name, not USER: on PostgreSQL 12 a partition's clone of its parent's
        # trigger is internal, and USER on the parent fails to find it
        for relation in self.b_tables.values():
            for (name,) in b.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                (relation.ident.as_string(b),),
            ).fetchall():
                b.execute(
                    sql.SQL("ALTER TABLE {} DISABLE TRIGGER {}").format(
                        relation.ident, sql.Identifier(name)
                    )
                )

    def fill(self) -> list[Filled]:
        """Fill each ordinary table of a, parents first; the tables, as filled."""
        given = {key for key in self.a_tables if self._count(key) > 0}
        for key in self._order():
            if self.a_tables[key].partitioned:
                continue
            filled = self._given(key) if key in given else self._made(key)
            filled.count = self._count(key)
            self.filled.append(filled)
        return self.filled

    def summary(self) -> str:
        """How many rows each table of a got."""
        return ", ".join(f"{f.table} {len(self.rows.get(f.table, []))}" for f in self.filled)

    def report(self, checked: Checked) -> dict[str, object]:
        """What was filled and checked, for the test report (``record_property``)."""
        return {
            "row_tables": len(self.filled),
            "row_tables_filled": sum(1 for f in self.filled if self.rows.get(f.table)),
            "row_tables_given": sum(1 for f in self.filled if f.given),
            "rows": sum(len(self.rows.get(f.table, [])) for f in self.filled),
            "row_values_null": sum(
                v is None
                for f in self.filled
                for r in self.rows.get(f.table, [])
                for v in r.values()
            ),
            "row_values": sum(len(r) for f in self.filled for r in self.rows.get(f.table, [])),
            "row_tables_checked": checked.tables,
            "row_tables_empty": "; ".join(
                f"{f.table}: {f.reason}" for f in self.filled if not self.rows.get(f.table)
            ),
            "row_tables_skipped": "; ".join(checked.skipped),
        }

    def _count(self, key: str) -> int:
        row = self.a.execute(
            sql.SQL("SELECT count(*) FROM ONLY {}").format(self.a_tables[key].ident)
        ).fetchone()
        return int(row[0]) if row else 0

    def _foreign_keys(self, key: str) -> list[ForeignKey]:
        """The foreign keys a row of a's table must meet: a's, and b's in a's names."""
        keys = list(self.a_tables[key].foreign_keys)
        target = self.b_tables.get(self.effects.table(key))
        for fk in target.foreign_keys if target else ():
            parent = self.effects.table_in_a(fk.parent)
            keys.append(
                ForeignKey(
                    tuple(self.effects.column_in_a(key, c) for c in fk.columns),
                    parent,
                    tuple(self.effects.column_in_a(parent, c) for c in fk.parent_columns),
                )
            )
        return keys

    def _leaves(self, key: str) -> list[str]:
        """The table itself, or the partitions that hold a partitioned table's rows."""
        relation = self.a_tables.get(key)
        if relation is None:
            return []
        if not relation.partitioned:
            return [key]
        return [
            leaf
            for child, r in self.a_tables.items()
            if r.parent == key
            for leaf in self._leaves(child)
        ]

    def _order(self) -> list[str]:
        """a's tables, each after the tables its rows refer to (where there is no cycle)."""
        needs = {
            key: {
                leaf
                for fk in self._foreign_keys(key)
                for leaf in self._leaves(fk.parent)
                if leaf != key
            }
            for key in self.a_tables
        }
        order: list[str] = []
        while len(order) < len(needs):
            ready = sorted(k for k, n in needs.items() if k not in order and n <= set(order))
            order += ready or [min(k for k in needs if k not in order)]
        return order

    def _given(self, key: str) -> Filled:
        """Rows the case loaded: each must fit b."""
        relation = self.a_tables[key]
        names = sql.SQL(", ").join(
            sql.SQL("{}::text").format(sql.Identifier(c.name)) for c in relation.columns
        )
        rows = self.a.execute(
            sql.SQL("SELECT {} FROM ONLY {}").format(names, relation.ident)
        ).fetchall()
        filled = Filled(key, self._target(key), given=True)
        for values in rows:
            row: Row = {
                c.name: None if v is None else str(v)
                for c, v in zip(relation.columns, values, strict=True)
            }
            self.rows.setdefault(key, []).append(row)
            if filled.target is None:
                continue
            try:
                with self.b.transaction():
                    filled.expected.append(self._into_b(key, row))
            except psycopg.Error as exc:
                raise AssertionError(
                    f"a row of {key} loaded by the case does not fit b: {row}\n-> {exc}"
                ) from exc
        return filled

    def _target(self, key: str) -> str | None:
        target = self.effects.table(key)
        return target if target in self.b_tables else None

    def _made(self, key: str) -> Filled:
        filled = Filled(key, self._target(key))
        for row in range(ROWS_PER_TABLE):
            for k in range(TRIES_PER_ROW):
                try:
                    values = self._values(key, row, k)
                    with self.a.transaction():
                        made = self._into_a(key, values)
                        if filled.target is not None:
                            with self.b.transaction():
                                expected = self._into_b(key, made)
                except (_Refused, psycopg.Error) as exc:
                    if (getattr(exc, "sqlstate", None) or "").startswith("42"):
                        # the check's own SQL is wrong for this server (a catalog column
                        # it lacks): said, never taken for a row the table refused
                        raise
                    filled.reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    continue
                self.rows.setdefault(key, []).append(made)
                if filled.target is not None:
                    filled.expected.append(expected)
                break
        if self.rows.get(key):
            filled.reason = ""
        return filled

    def _values(self, key: str, row: int, k: int) -> dict[str, sql.Composable]:
        """The values of try ``k`` at row ``row`` of a's table: column -> SQL."""
        relation = self.a_tables[key]
        target = self.b_tables.get(self.effects.table(key))
        insertable = [c for c in relation.columns if not c.generated]
        values: dict[str, sql.Composable] = {}
        for position, column in enumerate(insertable):
            how = _try(k, row, position, len(insertable))
            if how.null and not column.not_null and column.name not in relation.primary_key:
                values[column.name] = sql.NULL
                continue
            if how.default and column.has_default:
                values[column.name] = sql.DEFAULT
                continue
            rules = self._rules(relation, target, column)
            if how.literal is not None and rules:
                text: str | None = rules[how.literal % len(rules)]
            else:
                text = self.sampler.value(column.type_oid, column.type, how.seed, how.style)
            values[column.name] = self._literal(column, text)
        for fk in self._foreign_keys(key):
            self._refer(key, fk, row, k, values)
        return values

    def _rules(self, relation: Relation, target: Relation | None, column: Column) -> list[str]:
        """Literals the column's checks and bounds name (a's and b's), and its types."""
        texts = [text for text, columns in relation.rules if column.name in columns]
        hints = self.sampler.hints(column.type_oid)
        twin = target.column(self.effects.column(relation.key, column.name)) if target else None
        if target is not None and twin is not None:
            texts += [text for text, columns in target.rules if twin.name in columns]
            hints += self.b_sampler.hints(twin.type_oid)
        texts = [text for text in texts if "modulus" not in text]  # hash bounds name no value
        return [literal for text in texts for literal in _literals(text)] + hints

    @staticmethod
    def _literal(column: Column, text: str | None) -> sql.Composable:
        if text is None:
            if column.has_default:
                return sql.DEFAULT
            if not column.not_null:
                return sql.NULL
            raise _Refused(f"no value of type {column.type} for column {column.name}")
        return sql.SQL("{}::{}").format(sql.Literal(text), sql.SQL(column.type))

    def _refer(
        self, key: str, fk: ForeignKey, row: int, k: int, values: dict[str, sql.Composable]
    ) -> None:
        """Set the columns of a foreign key to a row of the parent (or NULL)."""
        relation = self.a_tables[key]
        columns = [relation.column(name) for name in fk.columns]
        if any(c is None or c.generated for c in columns):
            return  # a column b adds, or one a derives: not a's to set
        parents = [r for leaf in self._leaves(fk.parent) for r in self.rows.get(leaf, [])]
        nullable = all(c is not None and not c.not_null for c in columns)
        if nullable and (not parents or any(values.get(n) is sql.NULL for n in fk.columns)):
            for name in fk.columns:
                values[name] = sql.NULL
            return
        if not parents and fk.parent == key:
            # the first row refers to itself
            for name, other in zip(fk.columns, fk.parent_columns, strict=True):
                values[name] = values[other]
            return
        if not parents:
            raise _Refused(f"no row in {fk.parent} to refer to")
        parent = parents[(row + k) % len(parents)]
        for name, other in zip(fk.columns, fk.parent_columns, strict=True):
            column = relation.column(name)
            if column is not None and other in parent:
                values[name] = self._literal(column, parent[other])

    def _into_a(self, key: str, values: dict[str, sql.Composable]) -> Row:
        relation = self.a_tables[key]
        returning = [c.name for c in relation.columns]
        return self._insert(self.a, relation, values, returning)

    def _into_b(self, key: str, row: Row) -> Row:
        """Put a's row into b's table; what b holds for it, by b's column names."""
        target = self.b_tables[self.effects.table(key)]
        values: dict[str, sql.Composable] = {}
        returning = []
        for name, text in row.items():
            column = target.column(self.effects.column(key, name))
            if column is None:
                continue
            returning.append(column.name)
            if not column.generated:
                values[column.name] = (
                    sql.NULL
                    if text is None
                    else sql.SQL("{}::{}").format(sql.Literal(text), sql.SQL(column.type))
                )
        return self._insert(self.b, target, values, returning)

    @staticmethod
    def _insert(
        conn: Conn,
        relation: Relation,
        values: dict[str, sql.Composable],
        returning: list[str],
    ) -> Row:
        shown = (
            sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(n)) for n in returning)
            if returning
            else sql.SQL("1")
        )
        body: sql.Composable
        if values:
            body = sql.SQL("({}) OVERRIDING SYSTEM VALUE VALUES ({})").format(
                sql.SQL(", ").join(sql.Identifier(n) for n in values),
                sql.SQL(", ").join(values.values()),
            )
        else:
            body = sql.SQL("DEFAULT VALUES")
        got = conn.execute(
            sql.SQL("INSERT INTO {} {} RETURNING {}").format(relation.ident, body, shown)
        ).fetchone()
        assert got is not None
        return {n: None if v is None else str(v) for n, v in zip(returning, got, strict=False)}


# --- checking -------------------------------------------------------------------------------


def lossy(text: str) -> set[tuple[str, str | None]]:
    """``lossy.txt``: one ``schema.table`` or ``schema.table.column`` (a's names) a line."""
    entries: set[tuple[str, str | None]] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        schema, table, *column = line.split(".", 2)
        entries.add((f"{schema}.{table}", column[0] if column else None))
    return entries


@dataclass
class Checked:
    """What the check of one case found."""

    tables: int = 0  # tables whose rows were compared
    skipped: list[str] = field(default_factory=list)  # tables not compared, and why
    problems: list[str] = field(default_factory=list)


def check(
    conn: Conn,
    case: str,
    filled: Iterable[Filled],
    effects: Effects,
    expected_losses: set[tuple[str, str | None]],
    a_tables: dict[str, Relation],
) -> Checked:
    """After the script: the rows of a that fit b are all there, as b holds them."""
    found = Checked()
    now = relations(conn)
    for table in filled:
        if not table.expected:
            if table.target is None and table.count:
                found.skipped.append(f"{table.table}: b has no such table")
            continue
        step = effects.destroys_table(table.table)
        if step is not None or (table.table, None) in expected_losses:
            why = f"destroyed by {step.sql}" if step else "lossy.txt"
            found.skipped.append(f"{table.table}: {why}")
            continue
        after = now.get(table.target or "")
        if after is None:
            found.problems.append(f"{case}: {table.table}: table {table.target} is gone")
            continue
        compared = {}
        for column in a_tables[table.table].columns:
            in_b = effects.column(table.table, column.name)
            if in_b not in table.expected[0]:
                continue  # b has no such column
            step = effects.destroys_column(table.table, column)
            if step is not None or (table.table, column.name) in expected_losses:
                why = f"destroyed by {step.sql}" if step else "lossy.txt"
                found.skipped.append(f"{table.table}.{column.name}: {why}")
                continue
            compared[in_b] = column.name
        found.tables += 1
        found.problems += _compare(conn, case, table, after, compared, effects)
    return found


def _compare(
    conn: Conn,
    case: str,
    table: Filled,
    after: Relation,
    compared: dict[str, str],
    effects: Effects,
) -> Iterator[str]:
    only = sql.SQL("") if after.partitioned else sql.SQL("ONLY ")
    count = conn.execute(sql.SQL("SELECT count(*) FROM {}{}").format(only, after.ident)).fetchone()
    assert count is not None
    shown = f"{table.table}" + (f" (now {table.target})" if table.target != table.table else "")
    if int(count[0]) < table.count:
        steps = "\n    ".join(s.sql for s in effects.touching(table.table, None))
        yield (
            f"{case}: {shown}: {table.count} rows before the script, {count[0]} after; "
            f"steps:\n    {steps}"
        )
    if not compared:
        return
    names = list(compared)
    listed = sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(n)) for n in names)
    rows = conn.execute(sql.SQL("SELECT {} FROM {}{}").format(listed, only, after.ident)).fetchall()
    there = Counter(tuple(None if v is None else str(v) for v in r) for r in rows)
    wanted = Counter(tuple(e[n] for n in names) for e in table.expected)
    missing = wanted - there
    if not missing:
        return
    for column in _culprits(names, wanted, there, after.primary_key):
        a_name = compared[column] if column else None
        steps = "\n    ".join(s.sql for s in effects.touching(table.table, a_name))
        if column is None:
            gone = "; ".join(
                ", ".join(f"{n}={_shown(v)}" for n, v in zip(names, row, strict=True))
                for row in sorted(missing, key=str)
            )
            what = f"rows are gone: {gone}"
        else:
            values = sorted({_shown(row[names.index(column)]) for row in missing})
            renamed = f" (now {column})" if a_name != column else ""
            what = f"column {a_name}{renamed} lost its values {', '.join(values)}"
        yield f"{case}: table {shown}: {what}; the steps on it:\n    {steps}"


def _shown(value: Text) -> str:
    return "NULL" if value is None else repr(value)


def _culprits(
    names: list[str],
    wanted: Counter[tuple[Text, ...]],
    there: Counter[tuple[Text, ...]],
    primary_key: tuple[str, ...],
) -> list[str | None]:
    """The columns whose values went; [None] when whole rows went."""
    missing = wanted - there
    key = [names.index(c) for c in primary_key if c in names]
    if key and len(key) == len(primary_key):
        by_key = {tuple(r[i] for i in key): r for r in there}
        culprits: set[str] = set()
        for row in missing:
            now = by_key.get(tuple(row[i] for i in key))
            if now is None:
                return [None]
            culprits |= {names[i] for i, (x, y) in enumerate(zip(row, now, strict=True)) if x != y}
        ordered: list[str | None] = [*sorted(culprits)]
        return ordered
    found: list[str | None] = []
    for i, name in enumerate(names):
        values = Counter(r[i] for r in wanted.elements())
        held = Counter(r[i] for r in there.elements())
        if values - held:
            found.append(name)
    return found or [None]
