"""What a relation holds besides its columns: triggers, row security and policies,
with its constraints and indexes."""

from __future__ import annotations

from pgshift.schema.dump import ident, policy_sql, quote, replica_identity_sql
from pgshift.schema.model import Table
from pgshift.schema.sql.column_settings import ColumnSettingSteps
from pgshift.schema.sql.constraints import ConstraintSteps
from pgshift.schema.sql.shapes import named, policy_changed, table_kind


class TriggerSteps(ConstraintSteps, ColumnSettingSteps):
    """Triggers, row security and policies of a relation, with its constraints and indexes."""

    def _options(self, before: Table | None, after: Table) -> None:
        """Storage parameters and view options (SET / RESET), and the replica identity."""
        name = ident(after.schema, after.name)
        kind = table_kind(after)
        phase = "views" if after.kind in ("view", "materialized view") else "tables"
        old = dict(o.split("=", 1) for o in (before.options if before else ()))
        new = dict(o.split("=", 1) for o in after.options)
        # in the target's order: the server keeps them in the order they are set
        changed = [f"{k}={v}" for k, v in new.items() if old.get(k) != v]
        if changed:
            self.add(phase, f"ALTER {kind} {name} SET ({', '.join(changed)})", kind.lower(),
                     after.qualified, "alter")  # fmt: skip
        gone = sorted(old.keys() - new.keys())
        if gone:
            self.add(phase, f"ALTER {kind} {name} RESET ({', '.join(gone)})", kind.lower(),
                     after.qualified, "alter")  # fmt: skip
        was = before.replica_identity if before else "default"
        if after.replica_identity != was and after.kind in ("table", "partitioned table"):
            self.add("indexes", replica_identity_sql(after), "table", after.qualified, "alter")

    def _table_extras(self, before: Table | None, after: Table) -> None:
        """Constraints, indexes, triggers, row security and policies of one relation."""
        name = ident(after.schema, after.name)
        key = after.qualified
        if before is not None and after.kind not in ("view", "materialized view"):
            before = self._rename_objects(before, after)
        # a partition's own: what its parent gives it is not in its model
        self._constraints(before, after)
        if after.kind != "view":
            self._indexes(before, after)
        if after.kind != "view":
            self._statistics(before, after)
            remade = key in self.recreated_views  # a materialized view made again
            self._column_settings(None if remade else before, after)
        if after.kind in ("table", "materialized view"):
            self._cluster(before, after)
        recreated = key in self.recreated_views
        self._options(None if recreated else before, after)
        old_triggers = named(before.triggers) if before and not recreated else {}
        new_triggers = named(after.triggers)
        for trigger in before.triggers if before and not recreated else ():
            twin = new_triggers.get(trigger.name)
            if (
                twin is None
                or twin.definition != trigger.definition
                or self._forced("trigger", key, trigger.name)
            ):
                self.add(
                    "drop dependents",
                    f"DROP TRIGGER {quote(trigger.name)} ON {name}",
                    "trigger",
                    f"{key}.{trigger.name}",
                    "drop",
                )
        for trigger in after.triggers:
            twin = old_triggers.get(trigger.name)
            if (
                twin is None
                or twin.definition != trigger.definition
                or self._forced("trigger", key, trigger.name)
            ):
                self.add(
                    "triggers", trigger.definition, "trigger", f"{key}.{trigger.name}", "create"
                )
                twin = None
            if not trigger.enabled and (twin is None or twin.enabled):
                self.add(
                    "triggers",
                    f"ALTER TABLE {name} DISABLE TRIGGER {quote(trigger.name)}",
                    "trigger",
                    f"{key}.{trigger.name}",
                    "alter",
                )
            elif trigger.enabled and twin is not None and not twin.enabled:
                self.add(
                    "triggers",
                    f"ALTER TABLE {name} ENABLE TRIGGER {quote(trigger.name)}",
                    "trigger",
                    f"{key}.{trigger.name}",
                    "alter",
                )
        was = (
            (before.row_security, before.force_row_security)
            if before and not recreated
            else (False, False)
        )
        if after.row_security != was[0]:
            verb = "ENABLE" if after.row_security else "DISABLE"
            self.add(
                "triggers", f"ALTER TABLE {name} {verb} ROW LEVEL SECURITY", "table", key, "alter"
            )
        if after.force_row_security != was[1]:
            verb = "FORCE" if after.force_row_security else "NO FORCE"
            self.add(
                "triggers", f"ALTER TABLE {name} {verb} ROW LEVEL SECURITY", "table", key, "alter"
            )
        old_policies = named(before.policies) if before and not recreated else {}
        new_policies = named(after.policies)
        for policy in before.policies if before and not recreated else ():
            twin = new_policies.get(policy.name)
            if (
                twin is None
                or policy_changed(policy, twin)
                or self._forced("policy", key, policy.name)
            ):
                self.add(
                    "drop dependents",
                    f"DROP POLICY {quote(policy.name)} ON {name}",
                    "policy",
                    f"{key}.{policy.name}",
                    "drop",
                )
        for policy in after.policies:
            twin = old_policies.get(policy.name)
            if (
                twin is None
                or policy_changed(twin, policy)
                or self._forced("policy", key, policy.name)
            ):
                self.add(
                    "triggers",
                    policy_sql(policy, name),
                    "policy",
                    f"{key}.{policy.name}",
                    "create",
                )
