"""The rules' documentation pages, written from the rule modules' docstrings."""

from __future__ import annotations

from collections.abc import Sequence

from pgshift.lint.model import GROUPS, MIGRATE_REFUSES, RULE_CRASHED, Rule


def page(rule_id: str, group: str, severity: str, doc: str) -> str:
    """The Markdown page of one rule, for ``docs/rules/<id>.md``."""
    summary, _, rest = doc.strip().partition("\n")
    return (
        f"# {rule_id}\n\n{summary.strip()}\n\n"
        f"Group: {group}. Default severity: {severity}. "
        f"Acknowledge with `-- pgshift:allow {rule_id}`.\n\n{rest.strip()}\n"
    )


def index(rules: Sequence[Rule]) -> str:
    """The ``docs/rules/README.md`` index: every rule by group."""
    lines = [
        "# Lint rules",
        "",
        "Written by `pgshift lint --write-docs docs/rules` from the rules' own documentation.",
        "Acknowledge a finding with `-- pgshift:allow <rule>` on the line above the statement,",
        "or at the top of the file for the whole file.",
        "",
    ]
    for group, title in GROUPS.items():
        lines += [f"## {title}", "", "| rule | severity | what it catches |", "| --- | --- | --- |"]
        lines += [
            f"| [{r.id}]({r.id}.md) | {r.severity.value} | {r.summary} |"
            for r in rules
            if r.group == group
        ]
        lines.append("")
    lines += [
        "## Findings of lint itself",
        "",
        "| finding | severity | what it says |",
        "| --- | --- | --- |",
        f"| {MIGRATE_REFUSES} | error | What `pgshift migrate` refuses before running anything "
        "(transaction control, a statement that cannot run inside a transaction block in a "
        "transactional migration, a DO block that commits), at the same line, with the same "
        "message and hint. No comment or setting silences it; where a rule above already says "
        "it at error level, that rule speaks alone. |",
        f"| {RULE_CRASHED} | warning | A rule raised an exception on a statement: a bug in "
        "pgshift, to report with the statement. Every other rule's findings still come out; "
        "`-- pgshift:allow <rule>` skips the broken rule on that statement. |",
        "",
    ]
    return "\n".join(lines)
