"""Model to Markdown: the "Current Database Schema" section, written by the tool.

A block per table (columns with type, null, default and comment; keys, indexes,
references both ways) and a Mermaid ER diagram of the tables and their foreign
keys, which GitHub renders. Pure and deterministic: the same model gives the same
bytes, so ``pgshift docs --check`` can fail CI when the file is stale.
"""

from __future__ import annotations

import re

from pgshift.schema.model import Domain, Schema, Table

HEADER = (
    "# Database schema\n\n"
    "Written by `pgshift docs` from the live database; do not edit by hand. "
    "`pgshift docs --check` fails when this file no longer matches the database.\n"
)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _word(text: str) -> str:
    """A Mermaid-safe identifier."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


_MARKS = {"primary key": "PK", "foreign key": "FK", "unique": "UK"}


def _mermaid(schema: Schema) -> list[str]:
    tables = [t for t in schema.tables if t.kind in ("table", "partitioned table")]
    if not tables:
        return []
    lines = ["```mermaid", "erDiagram"]
    for table in tables:
        keys: dict[str, set[str]] = {}
        for constraint in table.constraints:
            mark = _MARKS.get(constraint.kind)
            for name in constraint.columns if mark else ():
                keys.setdefault(name, set()).add(mark or "")
        lines.append(f"    {_word(table.qualified)} {{")
        for column in table.columns:
            marks = ", ".join(m for m in ("PK", "FK", "UK") if m in keys.get(column.name, ()))
            kind = _word(column.type.split("(")[0])
            lines.append(f"        {kind} {_word(column.name)}{' ' + marks if marks else ''}")
        lines.append("    }")
    for table in tables:
        nullable = {c.name: c.nullable for c in table.columns}
        for constraint in table.constraints:
            if constraint.kind != "foreign key" or constraint.references is None:
                continue
            optional = any(nullable.get(c, True) for c in constraint.columns)
            link = "}o--o|" if optional else "}o--||"
            lines.append(
                f"    {_word(table.qualified)} {link} {_word(constraint.references)} "
                f': "{", ".join(constraint.columns)}"'
            )
    lines.append("```")
    return lines


def _table(schema: Schema, table: Table) -> list[str]:
    lines = [f"### {table.qualified}", ""]
    if table.kind != "table":
        lines += [f"*{table.kind}*", ""]
    if table.comment:
        lines += [table.comment, ""]
    lines += ["| column | type | null | default | comment |", "| --- | --- | --- | --- | --- |"]
    for column in table.columns:
        default = column.default or ""
        if column.identity:
            default = f"identity ({column.identity})"
        if column.generated:
            default = f"generated: {column.generated}"
        lines.append(
            f"| {_cell(column.name)} | {_cell(column.type)} | "
            f"{'null' if column.nullable else 'not null'} | {_cell(default)} | "
            f"{_cell(column.comment)} |"
        )
    notes = []
    for constraint in table.constraints:
        valid = "" if constraint.valid else " (not validated)"
        notes.append(f"- {constraint.kind} `{constraint.name}`: `{constraint.definition}`{valid}")
    backing = {c.name for c in table.constraints}
    for index in table.indexes:
        if index.constraint in backing:
            continue
        state = "" if index.valid else " (INVALID)"
        notes.append(f"- index `{index.name}`: `{index.definition.split(' USING ', 1)[-1]}`{state}")
    for other, constraint in schema.referencing(table):
        notes.append(
            f"- referenced by `{other.qualified}` ({', '.join(constraint.columns)}) "
            f"via `{constraint.name}`"
        )
    if notes:
        lines += ["", *notes]
    if table.definition:
        lines += ["", "```sql", table.definition.strip(), "```"]
    return [*lines, ""]


def _note(comment: str | None) -> str:
    return f" ({_cell(comment)})" if comment else ""


def _domain(domain: Domain) -> str:
    parts = [domain.base_type]
    if not domain.nullable:
        parts.append("not null")
    if domain.default is not None:
        parts.append(f"default {domain.default}")
    parts.extend(domain.checks)
    return ", ".join(parts)


def render(schema: Schema) -> str:
    """The Markdown document of ``schema``."""
    lines = [HEADER]
    types = [
        *(f"- enum `{e.schema}.{e.name}`: {', '.join(repr(x) for x in e.labels)}{_note(e.comment)}"
          for e in schema.enums),
        *(f"- domain `{d.schema}.{d.name}`: {_domain(d)}{_note(d.comment)}"
          for d in schema.domains),
        *(f"- composite `{c.schema}.{c.name}`: "
          f"({', '.join(f'{n} {t}' for n, t in c.attributes)}){_note(c.comment)}"
          for c in schema.composites),
    ]  # fmt: skip
    if types:
        lines += ["## Types\n", *types, ""]
    lines.append("## Tables\n")
    diagram = _mermaid(schema)
    if diagram:
        lines += [*diagram, ""]
    for table in schema.tables:
        lines.extend(_table(schema, table))
    return "\n".join(lines).rstrip() + "\n"
