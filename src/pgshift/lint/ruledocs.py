"""The rules' documentation pages, written from the rule modules' docstrings."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pgshift.lint.model import GROUPS, MIGRATE_REFUSES, PARSE_ERROR, RULE_CRASHED, Rule

_FENCE = re.compile(r"^```sql[ \t]+(bad|good)([^\n]*)$", re.MULTILINE)


def _caption(match: re.Match[str]) -> str:
    """An example's fence as a reader sees it: whether it is flagged, and what is said."""
    kind, attrs = match.groups()
    version = re.search(r"pg=(\d+)", attrs)
    on = f" on PostgreSQL {version.group(1)}" if version else ""
    if kind == "good":
        return f"Not flagged{on}:\n\n```sql"
    said = []
    since = re.search(r"since=(\d+)", attrs)  # the SQL, or what it does, is of N and later
    if since:
        said.append(f"PostgreSQL {since.group(1)} and later")
    lines = re.search(r"line=([\d,]+)", attrs)
    if lines:
        said.append(f"line {lines.group(1).replace(',', ', ')}")
    severity = re.search(r"severity=(\w+)", attrs)
    if severity:
        said.append(severity.group(1))
    safe = re.search(r'safe="([^"]*)"', attrs)
    if safe:
        said.append(f"the safe way names `{safe.group(1)}`")
    fails = re.search(r"fails=([0-9A-Z]{5})", attrs)
    if fails:
        said.append(f"PostgreSQL fails with SQLSTATE {fails.group(1)}")
    return f"Flagged{on}" + (f" ({'; '.join(said)})" if said else "") + ":\n\n```sql"


def page(rule_id: str, group: str, severity: str, doc: str, on: bool = True) -> str:
    """The Markdown page of one rule, for ``docs/rules/<id>.md``."""
    summary, _, rest = doc.strip().partition("\n")
    rest = _FENCE.sub(_caption, rest.strip())
    off = "" if on else f'Off by default: `lint_enable = ["{rule_id}"]` turns it on. '
    return (
        f"# {rule_id}\n\n{summary.strip()}\n\n"
        f"Group: {group}. Default severity: {severity}. {off}"
        f"Acknowledge with `-- pgshift:allow {rule_id}`.\n\n{rest}\n"
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
            f"| [{r.id}]({r.id}.md) | {r.severity.value} | {r.summary}"
            + ("" if r.enabled_by_default else " (off by default)")
            + " |"
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
        f"| {PARSE_ERROR} | error | A file that cannot be read as SQL (a syntax error, a "
        "psql meta-command, `COPY ... FROM STDIN`), with the parser's words at its line; "
        "the other files are linted all the same. |",
        f"| {RULE_CRASHED} | warning | A rule raised an exception on a statement: a bug in "
        "pgshift, to report with the statement. Every other rule's findings still come out; "
        "`-- pgshift:allow <rule>` skips the broken rule on that statement. |",
        "",
    ]
    return "\n".join(lines)
