"""Functions, and the grants, comments and owners of every object."""

from __future__ import annotations

import re

from pgshift.schema.dump import (
    comment_sql,
    function_target,
    grant_sql,
    ident,
    needs_tables,
    quote,
)
from pgshift.schema.model import (
    CompositeType,
    Domain,
    EnumType,
    Function,
    Grant,
    Schema,
)
from pgshift.schema.sql.shapes import (
    by_key,
    comment_targets,
    defaults,
    grant_order,
    mentions,
    routine,
    table_kind,
)
from pgshift.schema.sql.steps import Steps


class RoutineSteps(Steps):
    """Functions, and the grants, comments and owners of every object."""

    def _plan_routines(self, source: Schema) -> None:
        """Which functions are dropped (and, if still wanted, created again): what uses
        them (views, defaults, checks, indexes, triggers, policies) must go first."""
        old = by_key(source.functions)
        new = by_key(self.target.functions)
        dropped = set(old.keys() - new.keys()) | (self.recreated_functions & old.keys())
        for key in old.keys() & new.keys():
            a, b = old[key], new[key]
            if a.definition != b.definition and (a.returns, a.kind) != (b.returns, b.kind):
                dropped.add(key)  # CREATE OR REPLACE cannot change the result type
        # a function whose body is parsed at creation (BEGIN ATOMIC) depends on the
        # tables it reads: a column type change or drop there needs it out of the way
        changed = self._tables_with_changed_columns(source)
        names = {t.rpartition(".")[2] for t in changed} | changed
        for key in old.keys() & new.keys():
            body = old[key].definition
            if "BEGIN ATOMIC" in body and any(
                re.search(rf'(?<![\w$"]){re.escape(n)}(?![\w$"])', body) for n in names
            ):
                dropped.add(key)
        self.recreated_functions |= dropped & new.keys()
        self.dropped_names = {old[key].name for key in dropped}
        self.dropped_functions = dropped
        for table in source.tables:
            for column in table.columns:
                if mentions(column.default, self.dropped_names):
                    self.reset_defaults.add((table.qualified, column.name))
            for c in table.constraints:
                if mentions(c.definition, self.dropped_names):
                    self.forced.add(("constraint", f"{table.qualified}.{c.name}"))
            for index in table.indexes:
                if mentions(index.definition, self.dropped_names):
                    self.forced.add(("index", f"{table.qualified}.{index.name}"))
            for trigger in table.triggers:
                if mentions(trigger.definition, self.dropped_names):
                    self.forced.add(("trigger", f"{table.qualified}.{trigger.name}"))
            for policy in table.policies:
                if mentions(f"{policy.using} {policy.check}", self.dropped_names):
                    self.forced.add(("policy", f"{table.qualified}.{policy.name}"))

    def _functions(self, source: Schema) -> None:
        old = by_key(source.functions)
        new = by_key(self.target.functions)
        relations = {t.qualified for t in self.target.tables} | {t.name for t in self.target.tables}
        dropped = self.dropped_functions
        for key in sorted(dropped):
            function = old[key]
            self.add(
                "drop routines",
                f"DROP {routine(function)} {function_target(function)}",
                "function",
                key,
                "drop",
            )
        made = [
            key
            for key in sorted(new)
            if key not in old
            or key in dropped
            or old[key].definition != new[key].definition
            or self._follows_rename(old[key], new[key])
        ]
        if made:
            # a body may read tables created further on: it is checked when called
            self.add(
                "functions", "SET check_function_bodies = false", "setting", "session", "alter"
            )
        for key in made:
            function = new[key]
            phase = "late functions" if needs_tables(function, relations) else "functions"
            self.add(
                phase,
                function.definition.strip(),
                "function",
                key,
                "create" if key not in old or key in dropped else "replace",
            )

    def _follows_rename(self, before: Function, after: Function) -> bool:
        """Whether a body parsed at creation reads a renamed table (it followed the table
        by OID) where b's reads what now has the name: created again, parsed again."""
        moved = {
            f"table {self.table_renames.get(d[6:], d[6:])}" if d.startswith("table ") else d
            for d in before.depends_on
        }
        return bool(self.table_renames) and moved != set(after.depends_on)

    def _grants(self, source: Schema) -> None:
        def pairs(schema: Schema) -> dict[str, tuple[str, tuple[Grant, ...]]]:
            found: dict[str, tuple[str, tuple[Grant, ...]]] = {}
            for namespace in schema.schemas:
                found[f"schema {namespace.name}"] = (
                    f"SCHEMA {quote(namespace.name)}",
                    namespace.grants,
                )
            for table in schema.tables:
                found[f"table {table.qualified}"] = (
                    f"TABLE {ident(table.schema, table.name)}",
                    table.grants,
                )
            for seq in schema.sequences:
                found[f"sequence {seq.schema}.{seq.name}"] = (
                    f"SEQUENCE {ident(seq.schema, seq.name)}",
                    seq.grants,
                )
            for function in schema.functions:
                if function.kind in ("function", "procedure"):
                    found[f"function {function.signature}"] = (
                        f"{function.kind.upper()} {function_target(function)}",
                        function.grants,
                    )
            types: list[EnumType | Domain | CompositeType] = [
                *schema.enums,
                *schema.domains,
                *schema.composites,
            ]
            for udt in types:
                found[f"type {udt.schema}.{udt.name}"] = (
                    f"TYPE {ident(udt.schema, udt.name)}",
                    udt.grants,
                )
            return found

        self._remade = None
        before = pairs(source)
        after = pairs(self.target)
        for key, (target, grants) in sorted(after.items()):
            old = (
                set(before[key][1]) if key in before and not self._recreated(key) else defaults(key)
            )
            new = set(grants)
            for grant in sorted(old - new, key=grant_order):
                grantee = grant.grantee if grant.grantee == "PUBLIC" else quote(grant.grantee)
                self.add(
                    "grants",
                    f"REVOKE {grant.privilege} ON {target} FROM {grantee}",
                    "grant",
                    key,
                    "revoke",
                )
            for grant in sorted(new - old, key=grant_order):
                self.add("grants", grant_sql(grant, target), "grant", key, "grant")

    def _recreated(self, key: str) -> bool:
        """Whether the object ``kind name`` is dropped and created again by the steps,
        losing its grants and comment (a column goes with its view)."""
        kind, _, name = key.partition(" ")
        if kind in ("table", "view"):
            return name in self.recreated_views
        if kind == "function":
            return name in self.recreated_functions
        if kind == "column" and name.rpartition(".")[0] in self.recreated_views:
            return True
        if self._remade is None:
            dropped = {(s.kind, s.name) for s in self.steps if s.action == "drop"}
            made = {(s.kind, s.name) for s in self.steps if s.action == "create"}
            self._remade = dropped & made
        return (kind, name) in self._remade

    def _comments(self, source: Schema) -> None:
        self._remade = None  # the steps so far are all that can drop and create
        # only tables that differ, or that a step touches, can have a comment to set
        old_tables = by_key(source.tables)
        touched = {s.name.rsplit(".", 1)[0] for s in self.steps} | {s.name for s in self.steps}
        tables = {
            t.qualified
            for t in self.target.tables
            if old_tables.get(t.qualified) != t or t.qualified in touched
        }
        before = comment_targets(source, tables)
        after = comment_targets(self.target, tables)
        for key, (target, text) in sorted(after.items()):
            old = before.get(key, (target, None))[1]
            if self._recreated(key):
                old = None
            if text != old and text is not None:
                self.add("comments", comment_sql(target, text)[0], "comment", key, "comment")
            elif text is None and old is not None:
                self.add("comments", f"COMMENT ON {target} IS NULL", "comment", key, "comment")

    def _owners(self, source: Schema) -> None:
        old_tables = by_key(source.tables)
        for table in self.target.tables:
            before = old_tables.get(table.qualified)
            if table.owner and (before is None or before.owner != table.owner):
                self.add(
                    "owners",
                    f"ALTER {table_kind(table)} {ident(table.schema, table.name)} "
                    f"OWNER TO {quote(table.owner)}",
                    "table",
                    table.qualified,
                    "alter",
                )
        old_functions = by_key(source.functions)
        for function in self.target.functions:
            before_f = old_functions.get(function.signature)
            if function.owner and (before_f is None or before_f.owner != function.owner):
                self.add(
                    "owners",
                    f"ALTER {routine(function)} {function_target(function)} "
                    f"OWNER TO {quote(function.owner)}",
                    "function",
                    function.signature,
                    "alter",
                )
