"""Sequences as SQL: CREATE SEQUENCE, their options, and an identity column's clause.

One writer for the options, so a dump, a new identity column and an ALTER SEQUENCE
say them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pgshift.db import quoting
from pgshift.schema.model import Column
from pgshift.schema.model import Sequence as SequenceObject

# the values each integer type holds: an identity's sequence takes its column's type
_TYPE_RANGE = {
    "smallint": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "bigint": (-9223372036854775808, 9223372036854775807),
}


def create_sequence_sql(seq: SequenceObject) -> str:
    """``CREATE SEQUENCE`` with every option, no semicolon."""
    return (
        f"CREATE SEQUENCE {quoting.ident(seq.schema, seq.name)} AS {seq.type} "
        f"INCREMENT {seq.increment} MINVALUE {seq.minimum} MAXVALUE {seq.maximum} "
        f"START {seq.start}{f' CACHE {seq.cache}' if seq.cache != 1 else ''}"
        f"{' CYCLE' if seq.cycle else ''}"
    )


def sequence_options(seq: SequenceObject, than: SequenceObject) -> list[str]:
    """The options of ``seq`` that ``than`` has otherwise, as ALTER SEQUENCE and an
    identity column's ``(...)`` both take them."""
    options = [
        (seq.type != than.type, f"AS {seq.type}"),
        (seq.start != than.start, f"START WITH {seq.start}"),
        (seq.increment != than.increment, f"INCREMENT BY {seq.increment}"),
        (seq.minimum != than.minimum, f"MINVALUE {seq.minimum}"),
        (seq.maximum != than.maximum, f"MAXVALUE {seq.maximum}"),
        (seq.cache != than.cache, f"CACHE {seq.cache}"),
        (seq.cycle != than.cycle, "CYCLE" if seq.cycle else "NO CYCLE"),
    ]
    return [text for differs, text in options if differs]


def identity_defaults(seq: SequenceObject) -> SequenceObject:
    """The sequence PostgreSQL makes for an identity column of ``seq``'s type given only
    ``seq``'s increment, minimum and maximum: what its other options fall back to."""
    low, high = _TYPE_RANGE.get(seq.type, (seq.minimum, seq.maximum))
    ascending = seq.increment > 0
    return replace(
        seq,
        increment=1,
        # the bounds' defaults follow the direction; START, the bound it leaves from
        minimum=1 if ascending else low,
        maximum=high if ascending else -1,
        start=seq.minimum if ascending else seq.maximum,
        cache=1,
        cycle=False,
    )


def identity_sql(column: Column, seq: SequenceObject | None) -> str:
    """``GENERATED ... AS IDENTITY``, with the options of its sequence ``seq`` that are
    not what PostgreSQL would choose (its name among them): written with the column, as
    a new sequence may not take some (a range that leaves out its first value) later."""
    clause = f"GENERATED {(column.identity or '').upper()} AS IDENTITY"
    if seq is None:
        return clause
    options = sequence_options(seq, identity_defaults(seq))
    table_schema, table = (seq.owned_by or "").rsplit(".", 1)[0].split(".", 1)
    if (seq.schema, seq.name) != (table_schema, f"{table}_{column.name}_seq"):
        options.insert(0, f"SEQUENCE NAME {quoting.ident(seq.schema, seq.name)}")
    return f"{clause} ({' '.join(options)})" if options else clause


def owned_sequence(
    sequences: Iterable[SequenceObject], table: str, column: str
) -> SequenceObject | None:
    """The sequence the column ``column`` of the table ``table`` (qualified) owns."""
    owner = f"{table}.{column}"
    return next((s for s in sequences if s.owned_by == owner), None)
