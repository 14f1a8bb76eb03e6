"""Tables, views and what they hold: columns, keys, indexes, triggers, policies.

The steps are made by mixins, one per kind of object: :mod:`.tables` (tables and
columns), :mod:`.views`, :mod:`.triggers` (triggers, row security, policies) and
:mod:`.constraints` (constraints and indexes).
"""

from __future__ import annotations

from pgshift.schema.sql.tables import TableSteps
from pgshift.schema.sql.views import ViewSteps


class RelationSteps(TableSteps, ViewSteps):
    """Tables, views and what they hold: columns, keys, indexes, triggers, policies."""
