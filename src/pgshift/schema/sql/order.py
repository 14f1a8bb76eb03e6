"""The steps, once sorted into their phases, moved so that each runs after what it needs.

The phases order most steps; what they cannot know comes from the catalog (pg_depend,
kept as ``Function.depends_on`` and ``Domain.depends_on``): a domain whose check calls
a function, a function whose SQL-standard body (parsed at creation, whatever
``check_function_bodies`` says) calls another or reads a table, a signature over a
domain or a table's row. Creations pull what they need to just before them (a
function moves up to its domain, not the domain down past what uses it); drops push
what they free to just after them (a function is dropped once its domain is).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping

from pgshift.schema.model import Schema
from pgshift.schema.sql.shapes import by_key, mentions
from pgshift.schema.sql.steps import Step

DROP_PHASES = frozenset(("drop dependents", "drop", "drop routines", "drop types", "drop schemas"))
_TYPES = ("enum", "domain", "type")
_PARTS = ("table", "column", "constraint", "index", "view")  # what may call a new function

Edge = tuple[int, int]  # step indexes: the first runs before the second


def dependency_order(
    steps: list[Step], source: Schema, target: Schema, table_renames: Mapping[str, str]
) -> list[Step]:
    """``steps`` (sorted by phase) with creations after what they need and drops before
    what they depend on; otherwise as they were. A cycle keeps the phases' order."""
    made = _create_edges(steps, target, table_renames)
    order = _sort(list(range(len(steps))), [(b, a) for a, b in made], reverse=True)
    order = _sort(order, [*made, *_drop_edges(steps, source)], reverse=False)
    return [steps[i] for i in order]


def _sort(order: list[int], edges: Iterable[Edge], *, reverse: bool) -> list[int]:
    """A topological order of ``order`` that keeps to it where the edges allow. Forward,
    a step waits for what must precede it (dependents move later); with ``reverse`` the
    list is built from its end (prerequisites move earlier, the edges given reversed)."""
    sequence = list(reversed(order)) if reverse else order
    position = {node: index for index, node in enumerate(sequence)}
    after: dict[int, list[int]] = defaultdict(list)
    waiting = dict.fromkeys(sequence, 0)
    for first, then in set(edges):
        if first != then and first in position and then in position:
            after[first].append(then)
            waiting[then] += 1
    ready = [position[n] for n in sequence if not waiting[n]]
    heapq.heapify(ready)
    done: list[int] = []
    left = set(sequence)
    while left:
        if not ready:  # a cycle: the earliest step left goes, as the phases had it
            heapq.heappush(ready, min(position[n] for n in left if waiting[n] >= 0))
        node = sequence[heapq.heappop(ready)]
        if node not in left:
            continue
        left.discard(node)
        waiting[node] = -1
        done.append(node)
        for then in after[node]:
            if then in left:
                waiting[then] -= 1
                if waiting[then] == 0:
                    heapq.heappush(ready, position[then])
    return list(reversed(done)) if reverse else done


def _makes(step: Step, table_renames: Mapping[str, str]) -> list[str]:
    """The objects a step creates or changes, as ``depends_on`` names them."""
    if step.phase in DROP_PHASES:
        return []
    if step.kind == "setting":
        return ["setting"]
    if step.kind == "function" and step.action in ("create", "replace"):
        return [f"function {step.name}"]
    if step.kind in _TYPES:
        return [f"type {step.name}"]
    # a rename step is named by the old name (of its table): it makes the new one
    renamed = table_renames if step.action == "rename" else {}
    if step.kind in ("table", "view", "sequence"):
        return [f"table {renamed.get(step.name, step.name)}"]
    if step.kind == "column":
        table = step.name.rpartition(".")[0]
        return [f"table {renamed.get(table, table)}"]
    return []


def _create_edges(
    steps: list[Step], target: Schema, table_renames: Mapping[str, str]
) -> list[Edge]:
    """Each step after the steps that make what it needs, and a new object after the
    rename that frees its name."""
    makers: dict[str, list[int]] = defaultdict(list)
    unique = _unique_indexes(target)
    for index, step in enumerate(steps):
        for name in _makes(step, table_renames):
            makers[name].append(index)
        if step.kind == "index" and step.name in unique and step.phase not in DROP_PHASES:
            makers[f"unique {unique[step.name]}"].append(index)
    freed = {
        old: index
        for index, step in enumerate(steps)
        for old in table_renames
        if (step.kind, step.action, step.name) == ("table", "rename", old)
    }
    foreign = _foreign_keys(target)
    functions = by_key(target.functions)
    domains = by_key(target.domains)
    # new or replaced functions by bare name: what a table's SQL may call
    called: dict[str, set[str]] = defaultdict(set)
    for name in makers:
        kind, _, key = name.partition(" ")
        if kind == "function" and key in functions:
            called[functions[key].name].add(name)
    edges: list[Edge] = []
    for index, step in enumerate(steps):
        if step.phase in DROP_PHASES:
            continue
        needs: set[str] = set()
        if step.kind == "function" and step.name in functions:
            needs |= {"setting", *functions[step.name].depends_on}
        elif step.kind == "domain" and step.name in domains:
            needs |= set(domains[step.name].depends_on)
        elif step.kind in _PARTS and step.action in ("create", "alter", "replace"):
            for bare, names in called.items():
                if mentions(step.sql, {bare}):
                    needs |= names
        edges += [(first, index) for name in needs for first in makers.get(name, ())]
        if step.kind == "constraint" and step.name in foreign:
            # the unique index a foreign key may rest on is made in a later phase
            edges += [(first, index) for first in makers.get(f"unique {foreign[step.name]}", ())]
        if step.action == "create" and step.name in freed:
            edges.append((freed[step.name], index))  # the old name is taken until renamed
    return edges


def _drop_edges(steps: list[Step], source: Schema) -> list[Edge]:
    """A function is dropped before what it uses; a domain's check (or the domain) goes
    before the function it calls."""
    drops: dict[str, list[int]] = defaultdict(list)
    for index, step in enumerate(steps):
        if step.action != "drop" or step.phase not in DROP_PHASES:
            continue
        if step.kind == "function":
            drops[f"function {step.name}"].append(index)
        elif step.kind in _TYPES:
            drops[f"type {step.name}"].append(index)
        elif step.kind in ("table", "view", "sequence"):
            drops[f"table {step.name}"].append(index)
        elif step.kind == "column":
            drops[f"table {step.name.rpartition('.')[0]}"].append(index)
    functions = by_key(source.functions)
    domains = by_key(source.domains)
    foreign = _foreign_keys(source)
    unique = _unique_indexes(source)
    for index, step in enumerate(steps):
        if step.kind == "index" and step.action == "drop" and step.name in unique:
            drops[f"unique {unique[step.name]}"].append(index)
    edges: list[Edge] = []
    for index, step in enumerate(steps):
        if step.kind == "constraint" and step.action == "drop" and step.name in foreign:
            edges += [(index, then) for then in drops.get(f"unique {foreign[step.name]}", ())]
        if step.kind == "function" and step.action == "drop" and step.name in functions:
            for name in functions[step.name].depends_on:
                edges += [(index, then) for then in drops.get(name, ())]
        elif step.kind == "domain" and step.name in domains:
            for name in domains[step.name].depends_on:
                edges += [(index, then) for then in drops.get(name, ())]
    return edges


def _foreign_keys(schema: Schema) -> dict[str, str]:
    """The table each foreign key references, by the key's step name."""
    return {
        f"{table.qualified}.{c.name}": c.references
        for table in schema.tables
        for c in table.constraints
        if c.kind == "foreign key" and c.references
    }


def _unique_indexes(schema: Schema) -> dict[str, str]:
    """Unique indexes that are no constraint's (a foreign key may rest on one), by their
    step name: their table."""
    return {
        f"{table.qualified}.{i.name}": table.qualified
        for table in schema.tables
        for i in table.indexes
        if i.unique and i.constraint is None and i.predicate is None
    }
