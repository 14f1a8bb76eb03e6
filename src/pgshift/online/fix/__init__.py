"""``pgshift fix``: unsafe migration SQL rewritten into its safe equivalent.

A migration is rewritten statement by statement into a sequence of *parts*, each
a migration of its own: transactional parts for quick changes, no-transaction
parts for what must run outside a transaction (``CREATE INDEX CONCURRENTLY``,
batched backfills), and a new transactional part wherever a step must commit
before the next (``VALIDATE CONSTRAINT`` after ``ADD ... NOT VALID``). Statements
that need no change keep their text; changed ones are rebuilt from PostgreSQL's
own parse tree (pglast) and printed by its deparser. The end state of the schema
is the one the original would have made.

``driver`` runs the rewrite and places the parts in files; the rewrites of each
kind of statement are in ``index``, ``update`` and ``alter`` (with the type change
in ``type_change`` and what they share in ``steps``), the parts in ``parts``.
"""

from pgshift.online.fix.driver import header_comments, plan_files, rewrite, rewrite_file
from pgshift.online.fix.parts import Part, Rewrite

__all__ = ["Part", "Rewrite", "header_comments", "plan_files", "rewrite", "rewrite_file"]
