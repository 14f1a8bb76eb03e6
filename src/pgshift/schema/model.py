"""The schema model: plain immutable data shared by inspect, describe, docs and diff.

Every value is a frozen dataclass with tuple fields, so two models compare with
``==`` and render deterministically. Objects are sorted by name when built.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    """A table column."""

    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: str | None = None  # "always" or "by default"
    generated: str | None = None  # the expression of a generated column
    virtual: bool = False  # a VIRTUAL generated column (PostgreSQL 18+), else STORED
    collation: str | None = None
    comment: str | None = None
    statistics: int | None = None  # SET STATISTICS (the planner's sample); None: default
    compression: str | None = None  # "pglz" or "lz4" when set (PostgreSQL 14+)
    # False: only inherited from a parent (INHERITS), not declared by the table itself;
    # always True in a partition, whose columns are its parent's
    local: bool = True


@dataclass(frozen=True, slots=True)
class Constraint:
    """A primary key, foreign key, unique, check or exclusion constraint."""

    name: str
    kind: str  # "primary key", "foreign key", "unique", "check", "exclusion"
    definition: str
    columns: tuple[str, ...] = ()
    references: str | None = None  # the referenced table, for foreign keys
    referenced_columns: tuple[str, ...] = ()
    on_update: str | None = None
    on_delete: str | None = None
    match: str | None = None
    deferrable: bool = False
    deferred: bool = False
    valid: bool = True
    nulls_not_distinct: bool = False  # unique constraints (PostgreSQL 15+)
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    """An index, as ``pg_get_indexdef`` writes it."""

    name: str
    definition: str
    method: str
    keys: tuple[str, ...] = ()  # key columns and expressions, in order
    include: tuple[str, ...] = ()  # INCLUDE columns
    unique: bool = False
    primary: bool = False
    valid: bool = True  # False: a failed CREATE INDEX CONCURRENTLY left it INVALID
    nulls_not_distinct: bool = False
    predicate: str | None = None
    constraint: str | None = None  # the constraint this index backs, if any
    comment: str | None = None
    clustered: bool = False  # the index CLUSTER uses for its table (CLUSTER ON)
    # a partitioned table's index: the partitions' indexes attached to it, as
    # (partition as schema.name, index name), by partition
    attached: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Trigger:
    """A user trigger."""

    name: str
    definition: str
    enabled: bool = True
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """A row-level security policy."""

    name: str
    command: str
    permissive: bool
    roles: tuple[str, ...]
    using: str | None = None
    check: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """One privilege granted on an object (as ``aclexplode`` lists it)."""

    grantee: str  # a role name, or "PUBLIC"
    privilege: str  # "SELECT", "INSERT", ...
    grantable: bool = False


@dataclass(frozen=True, slots=True)
class Statistics:
    """An extended statistics object (``CREATE STATISTICS``) on a table's columns."""

    schema: str
    name: str
    definition: str  # CREATE STATISTICS ..., as pg_get_statisticsobjdef prints it
    target: int | None = None  # SET STATISTICS; None: the default
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table, partitioned table, view, materialized view or foreign table."""

    schema: str
    name: str
    kind: str  # "table", "partitioned table", "view", "materialized view", "foreign table"
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    policies: tuple[Policy, ...] = ()
    comment: str | None = None
    definition: str | None = None  # views
    unlogged: bool = False
    row_security: bool = False
    force_row_security: bool = False
    partition_key: str | None = None
    partition_of: str | None = None
    partition_bound: str | None = None
    owner: str | None = None
    grants: tuple[Grant, ...] = ()
    depends_on: tuple[str, ...] = ()  # views: the relations they read, as schema.name
    # storage parameters and view options, as "name=value", in the order the server
    # keeps them (compared as a set): fillfactor=70, security_barrier=true, check_option=local
    options: tuple[str, ...] = ()
    replica_identity: str = "default"  # "default", "nothing", "full" or "index <name>"
    statistics: tuple[Statistics, ...] = ()  # extended statistics on its columns
    inherits: tuple[str, ...] = ()  # INHERITS parents as schema.name, in order (not partitions)

    @property
    def qualified(self) -> str:
        """``schema.name``."""
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence and the column that owns it, if any."""

    schema: str
    name: str
    type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cycle: bool
    owned_by: str | None = None
    owner: str | None = None
    comment: str | None = None
    grants: tuple[Grant, ...] = ()
    cache: int = 1  # values kept ready per session (CACHE)


@dataclass(frozen=True, slots=True)
class EnumType:
    """An enum and its labels, in order."""

    schema: str
    name: str
    labels: tuple[str, ...]
    owner: str | None = None
    comment: str | None = None
    grants: tuple[Grant, ...] = ()  # PUBLIC has USAGE unless revoked


@dataclass(frozen=True, slots=True)
class Domain:
    """A domain over a base type, with its constraints."""

    schema: str
    name: str
    base_type: str
    nullable: bool = True
    default: str | None = None
    checks: tuple[str, ...] = ()
    owner: str | None = None
    comment: str | None = None
    grants: tuple[Grant, ...] = ()
    # what its checks and default call or use, as Function.depends_on names them
    depends_on: tuple[str, ...] = ()
    collation: str | None = None  # where it is not its base type's


@dataclass(frozen=True, slots=True)
class CompositeType:
    """A composite type and its attributes as ``name type``."""

    schema: str
    name: str
    attributes: tuple[tuple[str, str], ...]
    owner: str | None = None
    comment: str | None = None
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True, slots=True)
class Function:
    """A function or procedure, with its full definition."""

    schema: str
    name: str
    arguments: str
    kind: str  # "function", "procedure", "aggregate", "window"
    returns: str | None
    language: str
    volatility: str  # "immutable", "stable", "volatile"
    definition: str
    owner: str | None = None
    comment: str | None = None
    grants: tuple[Grant, ...] = ()  # PUBLIC has EXECUTE unless revoked
    # what it needs (pg_depend): "function schema.name(args)", "type schema.name" or
    # "table schema.name", from its signature and a SQL-standard body
    depends_on: tuple[str, ...] = ()

    @property
    def signature(self) -> str:
        """``schema.name(arguments)``."""
        return f"{self.schema}.{self.name}({self.arguments})"


@dataclass(frozen=True, slots=True)
class Namespace:
    """A schema (namespace) with its owner, comment and grants."""

    name: str
    owner: str | None = None
    comment: str | None = None
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True, slots=True)
class Extension:
    """An installed extension."""

    name: str
    schema: str
    version: str


@dataclass(frozen=True, slots=True)
class Collation:
    """A collation made with CREATE COLLATION."""

    schema: str
    name: str
    provider: str  # "libc", "icu" or "builtin"
    deterministic: bool = True
    lc_collate: str | None = None  # libc
    lc_ctype: str | None = None  # libc
    locale: str | None = None  # icu, builtin
    rules: str | None = None  # icu tailoring rules (PostgreSQL 16+)
    owner: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Schema:
    """Everything pgshift knows of a database's user schemas."""

    schemas: tuple[Namespace, ...] = ()
    tables: tuple[Table, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    enums: tuple[EnumType, ...] = ()
    domains: tuple[Domain, ...] = ()
    composites: tuple[CompositeType, ...] = ()
    functions: tuple[Function, ...] = ()
    extensions: tuple[Extension, ...] = ()
    collations: tuple[Collation, ...] = ()

    @property
    def schema_names(self) -> tuple[str, ...]:
        """The names of the schemas, sorted."""
        return tuple(s.name for s in self.schemas)

    def table(self, name: str) -> Table | None:
        """The table called ``name`` (``schema.name``, or a bare name searched in order)."""
        if "." in name:
            schema, _, bare = name.partition(".")
            return next((t for t in self.tables if (t.schema, t.name) == (schema, bare)), None)
        matches = [t for t in self.tables if t.name == name]
        public = [t for t in matches if t.schema == "public"]
        found = public or matches
        return found[0] if found else None

    def referencing(self, table: Table) -> tuple[tuple[Table, Constraint], ...]:
        """Foreign keys of other tables that point at ``table``."""
        return tuple(
            (other, constraint)
            for other in self.tables
            for constraint in other.constraints
            if constraint.kind == "foreign key" and constraint.references == table.qualified
        )
