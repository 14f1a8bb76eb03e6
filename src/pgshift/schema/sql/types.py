"""Enums, domains, composite types, sequences, schemas and extensions."""

from __future__ import annotations

from collections.abc import Sequence

from pgshift.errors import PgshiftError
from pgshift.schema.dump import (
    domain_sql,
    ident,
    literal,
    quote,
)
from pgshift.schema.model import (
    EnumType,
    Schema,
)
from pgshift.schema.model import Sequence as SequenceObject
from pgshift.schema.sequence_sql import create_sequence_sql, sequence_options
from pgshift.schema.sql.shapes import (
    base_type,
    by_key,
    column_ref,
    drop_domain_check,
    identity,
    mentions_type,
    type_names,
    uses_column,
)
from pgshift.schema.sql.steps import Steps


class TypeSteps(Steps):
    """Enums, domains, composite types, sequences, schemas and extensions."""

    def _enums(self, source: Schema) -> None:
        old = by_key(source.enums)
        new = by_key(self.target.enums)
        for key in sorted(new.keys() - old.keys()):
            enum = new[key]
            labels = ", ".join(literal(label) for label in enum.labels)
            self.add(
                "create types",
                f"CREATE TYPE {ident(enum.schema, enum.name)} AS ENUM ({labels})",
                "enum",
                key,
                "create",
            )
        for key in sorted(old.keys() - new.keys()):
            enum = old[key]
            self.add(
                "drop types", f"DROP TYPE {ident(enum.schema, enum.name)}", "enum", key, "drop"
            )
        for key in sorted(old.keys() & new.keys()):
            before, after = old[key], new[key]
            if before.labels == after.labels:
                continue
            kept = [label for label in before.labels if label in after.labels]
            in_order = [label for label in after.labels if label in before.labels]
            if len(kept) == len(before.labels) and kept == in_order:
                self._enum_additions(after, before.labels)
            else:
                self._enum_recreate(source, before, after)

    def _enum_additions(self, enum: EnumType, existing: Sequence[str]) -> None:
        name = ident(enum.schema, enum.name)
        present = list(existing)
        for position, label in enumerate(enum.labels):
            if label in present:
                continue
            following = next((x for x in enum.labels[position + 1 :] if x in present), None)
            where = (
                f" BEFORE {literal(following)}"
                if following is not None
                else f" AFTER {literal(present[-1])}"
                if present
                else ""
            )
            self.add(
                "create types",
                f"ALTER TYPE {name} ADD VALUE {literal(label)}{where}",
                "enum",
                f"{enum.schema}.{enum.name}",
                "alter",
                # a label added in a transaction cannot be used before it commits
                transactional=False,
            )
            index = present.index(following) if following is not None else len(present)
            present.insert(index, label)

    def _enum_recreate(self, source: Schema, before: EnumType, after: EnumType) -> None:
        """A label removed or moved: a new type, each column cast through text."""
        key = f"{before.schema}.{before.name}"
        names = type_names(before.schema, before.name)
        old_name = f"{before.name}__pgshift_old"
        removed = [label for label in before.labels if label not in after.labels]
        self.add(
            "create types",
            f"ALTER TYPE {ident(before.schema, before.name)} RENAME TO {quote(old_name)}",
            "enum",
            key,
            "rename",
        )
        labels = ", ".join(literal(label) for label in after.labels)
        self.add(
            "create types",
            f"CREATE TYPE {ident(after.schema, after.name)} AS ENUM ({labels})",
            "enum",
            key,
            "create",
            destructive=bool(removed),
        )
        for table in source.tables:
            if table.kind not in ("table", "partitioned table") or table.partition_of:
                continue
            for column in table.columns:
                base = base_type(column.type)
                if base not in names:
                    continue
                array = column.type[len(base) :]
                # what compares the column with a label goes, and comes back over the new type
                for index in table.indexes:
                    if index.constraint is None and uses_column(index.definition, column.name):
                        self.forced.add(("index", f"{table.qualified}.{index.name}"))
                for c in table.constraints:
                    if c.kind in ("check", "exclusion") and uses_column(c.definition, column.name):
                        self.forced.add(("constraint", f"{table.qualified}.{c.name}"))
                for policy in table.policies:
                    if uses_column(f"{policy.using} {policy.check}", column.name):
                        self.forced.add(("policy", f"{table.qualified}.{policy.name}"))
                target_type = ident(after.schema, after.name) + array
                name = ident(table.schema, table.name)
                if column.default is not None:
                    self.add(
                        "create types",
                        f"ALTER TABLE {name} ALTER COLUMN {quote(column.name)} DROP DEFAULT",
                        "column",
                        f"{table.qualified}.{column.name}",
                        "alter",
                    )
                self.add(
                    "create types",
                    f"ALTER TABLE {name} ALTER COLUMN {quote(column.name)} TYPE {target_type} "
                    f"USING {quote(column.name)}::text{'[]' * (array.count('[]'))}"
                    f"::{target_type}",
                    "column",
                    f"{table.qualified}.{column.name}",
                    "alter",
                    destructive=bool(removed),
                )
                if column.default is not None:
                    target_table = self.target.table(table.qualified)
                    target_column = (
                        next((c for c in target_table.columns if c.name == column.name), None)
                        if target_table
                        else None
                    )
                    default = target_column.default if target_column else None
                    if default is not None:
                        self.add(
                            "create types",
                            f"ALTER TABLE {name} ALTER COLUMN {quote(column.name)} "
                            f"SET DEFAULT {default}",
                            "column",
                            f"{table.qualified}.{column.name}",
                            "alter",
                        )
        # functions over the old type are dropped before and created after (see _functions)
        for function in source.functions:
            if mentions_type(function, names):
                self.recreated_functions.add(function.signature)
        self.retyped_tables.update(
            t.qualified for t in source.tables if any(base_type(c.type) in names for c in t.columns)
        )
        self.add(
            "drop types",
            f"DROP TYPE {ident(before.schema, old_name)}",
            "enum",
            key,
            "drop",
        )

    def _sequences(self, source: Schema) -> None:
        old = by_key(source.sequences)
        new = by_key(self.target.sequences)
        for key in sorted(new.keys() - old.keys()):
            seq = new[key]
            if seq.owned_by and identity(self.target, seq.owned_by):
                continue  # made by its identity column, its options written with it
            self.add("create types", create_sequence_sql(seq), "sequence", key, "create")
            if seq.owned_by:
                self.add(
                    "keys",
                    f"ALTER SEQUENCE {ident(seq.schema, seq.name)} "
                    f"OWNED BY {column_ref(seq.owned_by)}",
                    "sequence",
                    key,
                    "alter",
                )
        for key in sorted(old.keys() - new.keys()):
            seq = old[key]
            if seq.owned_by and (self._owner_goes(seq.owned_by) or identity(source, seq.owned_by)):
                continue  # goes with its column or table, or with the column's identity
            self.add(
                "drop",
                f"DROP SEQUENCE IF EXISTS {ident(seq.schema, seq.name)}",
                "sequence",
                key,
                "drop",
            )
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            if b.owned_by and identity(self.target, b.owned_by):
                # the identity column's own: made again, with its options, when the
                # column gains identity (a serial's sequence of the same name goes)
                if a.owned_by and identity(source, a.owned_by):
                    self._sequence_options(a, b, "keys", key)
                continue
            self._sequence_options(a, b, "create types", key)
            if a.owned_by != b.owned_by:
                if a.owned_by and self._owner_goes(a.owned_by):
                    # its old column (or table) is dropped, which would drop the sequence
                    # with it: let go of it before
                    self.add(
                        "drop dependents",
                        f"ALTER SEQUENCE {ident(b.schema, b.name)} OWNED BY NONE",
                        "sequence",
                        key,
                        "alter",
                    )
                    if not b.owned_by:
                        continue
                owner = column_ref(b.owned_by) if b.owned_by else "NONE"
                self.add(
                    "keys",
                    f"ALTER SEQUENCE {ident(b.schema, b.name)} OWNED BY {owner}",
                    "sequence",
                    key,
                    "alter",
                )

    def _sequence_options(self, a: SequenceObject, b: SequenceObject, phase: str, key: str) -> None:
        """ALTER SEQUENCE from ``a``'s options to ``b``'s."""
        options = sequence_options(b, a)
        if not options:
            return
        # ALTER SEQUENCE refuses a range that leaves out the sequence's current value. One
        # never used stands at its START: a range without the old START must restart the
        # sequence (at the new START), which can hand out again values already handed out
        # (duplicate keys), so it is destructive. Otherwise the current value is left be:
        # were it out of the new range the server refuses the step, losing nothing.
        restart = not b.minimum <= a.start <= b.maximum
        self.add(
            phase,
            f"ALTER SEQUENCE {ident(b.schema, b.name)} {' '.join(options)}"
            + (" RESTART" if restart else ""),
            "sequence",
            key,
            "alter",
            destructive=restart,
        )

    def _types(self, source: Schema) -> None:
        old_domains = by_key(source.domains)
        new_domains = by_key(self.target.domains)
        for key in sorted(new_domains.keys() - old_domains.keys()):
            self.add("create types", domain_sql(new_domains[key]), "domain", key, "create")
        for key in sorted(old_domains.keys() - new_domains.keys()):
            domain = old_domains[key]
            self.add(
                "drop types",
                f"DROP DOMAIN {ident(domain.schema, domain.name)}",
                "domain",
                key,
                "drop",
            )
        for key in sorted(old_domains.keys() & new_domains.keys()):
            a, b = old_domains[key], new_domains[key]
            name = ident(b.schema, b.name)
            if (a.base_type, a.collation) != (b.base_type, b.collation):
                what = "base type" if a.base_type != b.base_type else "collation"
                was, now = (
                    (a.base_type, b.base_type)
                    if what == "base type"
                    else (a.collation, b.collation)
                )
                raise PgshiftError(
                    f"domain {key}: its {what} changes ({was} -> {now}), "
                    "which PostgreSQL cannot alter.",
                    "Create a new domain, move the columns to it, then drop the old one, in a "
                    "migration written by hand.",
                )
            if a.default != b.default:
                verb = f"SET DEFAULT {b.default}" if b.default is not None else "DROP DEFAULT"
                self.add("create types", f"ALTER DOMAIN {name} {verb}", "domain", key, "alter")
            if a.nullable != b.nullable:
                verb = "DROP NOT NULL" if b.nullable else "SET NOT NULL"
                self.add("create types", f"ALTER DOMAIN {name} {verb}", "domain", key, "alter")
            for check in a.checks:
                if check not in b.checks:
                    self.add("create types", drop_domain_check(b, check), "domain", key, "alter")
            for check in b.checks:
                if check not in a.checks:
                    self.add(
                        "create types", f"ALTER DOMAIN {name} ADD {check}", "domain", key, "alter"
                    )
        old_types = by_key(source.composites)
        new_types = by_key(self.target.composites)
        for key in sorted(new_types.keys() - old_types.keys()):
            composite = new_types[key]
            attrs = ", ".join(f"{quote(a)} {t}" for a, t in composite.attributes)
            self.add(
                "create types",
                f"CREATE TYPE {ident(composite.schema, composite.name)} AS ({attrs})",
                "type",
                key,
                "create",
            )
        for key in sorted(old_types.keys() - new_types.keys()):
            composite = old_types[key]
            self.add(
                "drop types",
                f"DROP TYPE {ident(composite.schema, composite.name)}",
                "type",
                key,
                "drop",
            )
        for key in sorted(old_types.keys() & new_types.keys()):
            a_type, b_type = old_types[key], new_types[key]
            name = ident(b_type.schema, b_type.name)
            before = dict(a_type.attributes)
            after = dict(b_type.attributes)
            for attr in before:
                if attr not in after:
                    self.add(
                        "create types",
                        f"ALTER TYPE {name} DROP ATTRIBUTE {quote(attr)}",
                        "type",
                        key,
                        "alter",
                        destructive=True,
                    )
            for attr, type_text in b_type.attributes:
                if attr not in before:
                    self.add(
                        "create types",
                        f"ALTER TYPE {name} ADD ATTRIBUTE {quote(attr)} {type_text}",
                        "type",
                        key,
                        "alter",
                    )
                elif before[attr] != type_text:
                    self.add(
                        "create types",
                        f"ALTER TYPE {name} ALTER ATTRIBUTE {quote(attr)} TYPE {type_text}",
                        "type",
                        key,
                        "alter",
                    )

    def _namespaces(self, source: Schema) -> None:
        old = by_key(source.schemas)
        new = by_key(self.target.schemas)
        for key in sorted(new.keys() - old.keys()):
            self.add("schemas", f"CREATE SCHEMA {quote(key)}", "schema", key, "create")
        for key in sorted(old.keys() - new.keys()):
            self.add(
                "drop schemas", f"DROP SCHEMA {quote(key)}", "schema", key, "drop", destructive=True
            )

    def _extensions(self, source: Schema) -> None:
        old = by_key(source.extensions)
        new = by_key(self.target.extensions)
        for key in sorted(new.keys() - old.keys()):
            ext = new[key]
            self.add(
                "extensions",
                f"CREATE EXTENSION IF NOT EXISTS {quote(ext.name)} WITH SCHEMA {quote(ext.schema)}"
                + (f" VERSION {literal(ext.version)}" if ext.version else ""),
                "extension",
                key,
                "create",
            )
        for key in sorted(old.keys() - new.keys()):
            self.add("drop schemas", f"DROP EXTENSION {quote(key)}", "extension", key, "drop")
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            if a.version != b.version:
                self.add(
                    "extensions",
                    f"ALTER EXTENSION {quote(key)} UPDATE TO {literal(b.version)}",
                    "extension",
                    key,
                    "alter",
                )
            if a.schema != b.schema:
                self.add(
                    "extensions",
                    f"ALTER EXTENSION {quote(key)} SET SCHEMA {quote(b.schema)}",
                    "extension",
                    key,
                    "alter",
                )

    def _owner_goes(self, owned_by: str) -> bool:
        table_name, _, column = owned_by.rpartition(".")
        table = self.target.table(table_name)
        return table is None or not any(c.name == column for c in table.columns)
