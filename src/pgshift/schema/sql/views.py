"""Views and materialized views: dropped and created again when they or what they read change."""

from __future__ import annotations

from pgshift.schema.dump import ident, views_in_order
from pgshift.schema.model import Schema
from pgshift.schema.sql.shapes import by_key, mentions, table_kind
from pgshift.schema.sql.triggers import TriggerSteps


class ViewSteps(TriggerSteps):
    """Views and materialized views: dropped and created again when they or what they read
    change, never altered in place."""

    def _views(self, source: Schema) -> None:
        old = by_key(t for t in source.tables if t.kind in ("view", "materialized view"))
        new = by_key(t for t in self.target.tables if t.kind in ("view", "materialized view"))
        changed_tables = self._tables_with_changed_columns(source)
        drop = set(old.keys() - new.keys())
        for key in old.keys() & new.keys():
            a, b = old[key], new[key]
            if (
                (a.kind, a.definition) != (b.kind, b.definition)
                # the same text over other objects: a table it read was renamed
                or set(a.depends_on) != set(b.depends_on)
                or any(d in changed_tables for d in a.depends_on)
                or mentions(a.definition, self.dropped_names)
            ):
                drop.add(key)
        # a view reading a view that is dropped goes too
        grew = True
        while grew:
            grew = False
            for key, view in old.items():
                if key not in drop and any(d in drop for d in view.depends_on):
                    drop.add(key)
                    grew = True
        for view in reversed(views_in_order(list(old.values()))):
            if view.qualified in drop:
                self.add(
                    "drop dependents",
                    f"DROP {table_kind(view)} {ident(view.schema, view.name)}",
                    "view",
                    view.qualified,
                    "drop",
                )
        for view in views_in_order(list(new.values())):
            if view.qualified in drop or view.qualified not in old:
                self.recreated_views.add(view.qualified)
                kind = table_kind(view)
                body = (view.definition or "").strip().rstrip(";")
                self.add(
                    "views",
                    f"CREATE {kind} {ident(view.schema, view.name)} AS\n{body}",
                    "view",
                    view.qualified,
                    "create",
                )
                self._table_extras(None, view)
            else:
                self._table_extras(old[view.qualified], view)
