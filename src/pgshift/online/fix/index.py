"""Index builds, drops and rebuilds rewritten for ``pgshift fix``: CONCURRENTLY, on their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pgshift.migrations.tree import relation, strings
from pgshift.online.fix.steps import deparse, parse

if TYPE_CHECKING:
    from pgshift.migrations.statements import Statement
    from pgshift.online.fix.parts import Builder


def fix_create_index(statement: Statement, out: Builder) -> bool:
    """CREATE INDEX, built CONCURRENTLY outside a transaction; False when it has no name."""
    tree = parse(statement.sql)
    tree.concurrent = True
    if not tree.idxname:
        return False  # a name is needed to check and retry the build: lint says so
    out.add(
        deparse(tree),
        transactional=False,
        note="built without blocking writes; pgshift checks it is valid",
    )
    out.changes.append(f"line {statement.line}: CREATE INDEX -> CONCURRENTLY, on its own")
    return True


def fix_concurrently(statement: Statement, out: Builder) -> bool:
    """DROP INDEX and REINDEX, each index on its own, CONCURRENTLY, outside a transaction."""
    tree = statement.tree
    if statement.node == "DropStmt":
        if tree.get("removeType") != "OBJECT_INDEX" or tree.get("concurrent"):
            return False
        names = [".".join(strings(o.get("List", {}).get("items"))) for o in tree["objects"]]
        created = {s for part in out.parts for s in part.statements if "CREATE" in s}
        if any(name in text for name in names for text in created):
            return False  # an index of this very migration: nothing to protect yet
        for name in names:
            out.add(f"DROP INDEX CONCURRENTLY IF EXISTS {name}", transactional=False)
        out.changes.append(f"line {statement.line}: DROP INDEX -> CONCURRENTLY, on its own")
        return True
    options = {p.get("DefElem", {}).get("defname") for p in tree.get("params") or ()}
    if "concurrently" in options or tree.get("kind") not in (
        "REINDEX_OBJECT_TABLE",
        "REINDEX_OBJECT_INDEX",
    ):
        return False
    kind = "TABLE" if tree["kind"] == "REINDEX_OBJECT_TABLE" else "INDEX"
    target = relation(tree.get("relation"))
    out.add(f"REINDEX {kind} CONCURRENTLY {target}", transactional=False)
    out.changes.append(f"line {statement.line}: REINDEX -> CONCURRENTLY, on its own")
    return True
