"""The linter: a file's statements through every rule, with acknowledgements applied.

Findings are values (:class:`~pgshift.lint.model.Finding`), never exceptions; a
file that does not parse is reported by the caller as the SQL error it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from pgshift.errors import ConfigError
from pgshift.lint.context import Context, Stmt, advance
from pgshift.lint.model import Finding, Rule, Severity
from pgshift.sections import Section

if TYPE_CHECKING:
    from pgshift.discovery import Migration
    from pgshift.statements import Statement

_ALLOW = re.compile(r"--\s*pgshift:allow\s+([A-Za-z0-9_,\s-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LintOptions:
    """How to lint: the target server, the settings the runner applies, the rule set."""

    pg_version: int | None = None  # the target's major version, when known
    estimates: Mapping[str, int] | None = None  # row estimates by table (with a connection)
    lock_timeout: bool = False  # the runner sets lock_timeout for every migration
    statement_timeout: bool = False
    disabled: frozenset[str] = frozenset()
    levels: Mapping[str, Severity] = field(default_factory=dict)
    rules: tuple[Rule, ...] | None = None  # None: every rule

    def active(self) -> tuple[Rule, ...]:
        """The rules to run, each at its configured severity."""
        from pgshift.lint.rules import RULES

        chosen = RULES if self.rules is None else self.rules
        levels = tuple(sorted((k, v.value) for k, v in self.levels.items()))
        return _active(chosen, levels, self.disabled)


@lru_cache(maxsize=16)
def _active(
    chosen: tuple[Rule, ...], levels: tuple[tuple[str, str], ...], disabled: frozenset[str]
) -> tuple[Rule, ...]:
    relevel = {rule: Severity(level) for rule, level in levels}
    return tuple(
        replace(rule, severity=relevel.get(rule.id, rule.severity))
        for rule in chosen
        if rule.id not in disabled
    )


@lru_cache(maxsize=16)
def _dispatch(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], dict[str, tuple[Rule, ...]]]:
    """The rules for every statement type, and those for the given types alone."""
    by_node: dict[str, list[Rule]] = {}
    for rule in rules:
        for node in rule.nodes or ():
            by_node.setdefault(node, []).append(rule)
    generic = tuple(rule for rule in rules if rule.nodes is None)
    return generic, {node: tuple(found) for node, found in by_node.items()}


def check_rule_ids(ids: Iterable[str], where: str, known: Iterable[str] = ()) -> None:
    """Refuse a rule id no rule has (a typo would silently acknowledge nothing)."""
    from pgshift.lint.rules import RULE_IDS

    unknown = sorted(set(ids) - RULE_IDS - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown lint rule(s): {', '.join(unknown)}.",
            "'pgshift lint --rules' lists them; the ids are those of docs/rules/.",
        )


def _allowances(
    section: Section, stmts: list[Stmt]
) -> tuple[set[str], dict[int, set[str]], list[tuple[int, str]]]:
    """``-- pgshift:allow`` comments: for the file (above the first statement), per
    statement (on its lines or the comment lines just above it), and each one's line."""
    file_wide: set[str] = set()
    per_statement: dict[int, set[str]] = {}
    seen: list[tuple[int, str]] = []
    ends = [s.line + s.sql.count("\n") for s in stmts]
    for offset, text in enumerate(section.sql.split("\n")):
        if "pgshift:allow" not in text.lower():
            continue
        match = _ALLOW.search(text)
        if not match:
            continue
        line = section.first_line + offset
        ids = {i for i in re.split(r"[\s,]+", match.group(1)) if i}
        seen.extend((line, i) for i in sorted(ids))
        if not stmts or line < stmts[0].line:
            file_wide |= ids
            continue
        # the statement this comment sits in, follows, or trails (same line as its end)
        target = next((i for i, end in enumerate(ends) if line <= end), len(stmts) - 1)
        per_statement.setdefault(target, set()).update(ids)
    return file_wide, per_statement, seen


def parse(section: Section, statements: Sequence[Statement] | None = None) -> list[Stmt]:
    """The statements of a section, parsed unless given (``SqlError`` on a syntax error)."""
    from pgshift.statements import split

    return [
        Stmt(node=s.node, body=s.tree, sql=s.sql, line=s.line, index=index)
        for index, s in enumerate(split(section) if statements is None else statements)
    ]


def lint_section(
    section: Section,
    *,
    transactional: bool = True,
    options: LintOptions | None = None,
    lock_timeout: bool | None = None,
    statement_timeout: bool = False,
    allow: Iterable[str] = (),
    statements: Sequence[Statement] | None = None,
) -> list[Finding]:
    """Findings for one piece of SQL, in statement order (``statements``: already split).

    ``lock_timeout``: whether the file sets one (True), turns it off (False), or leaves
    it to the project (None)."""
    options = options or LintOptions()
    stmts = parse(section, statements)
    file_wide, per_statement, seen = _allowances(section, stmts)
    rules = options.active()
    generic, by_node = _dispatch(rules)
    known = {r.id for r in rules}
    for line, rule_id in seen:
        check_rule_ids([rule_id], f"{section.path}:{line}: -- pgshift:allow", known)
    file_wide |= set(allow)
    ctx = Context(
        path=str(section.path),
        transactional=transactional,
        pg_version=options.pg_version,
        lock_timeout=options.lock_timeout if lock_timeout is None else lock_timeout,
        statement_timeout=statement_timeout or options.statement_timeout,
        estimates=dict(options.estimates) if options.estimates is not None else None,
        statements=tuple(stmts),
    )
    findings: list[Finding] = []
    for stmt in stmts:
        allowed = file_wide | per_statement.get(stmt.index, set())
        for rule in (*by_node.get(stmt.node, ()), *generic):
            if rule.id in allowed:
                continue
            for hit in rule.check(stmt, ctx):
                findings.append(
                    Finding(
                        rule=rule.id,
                        severity=rule.severity,
                        path=str(section.path),
                        line=stmt.line + hit.line_offset,
                        column=1,
                        message=hit.message,
                        safe=hit.safe,
                        statement=stmt.first_line,
                    )
                )
        advance(ctx, stmt)
    return findings


def lint_migration(
    migration: Migration,
    options: LintOptions | None = None,
    statements: Sequence[Statement] | None = None,
) -> list[Finding]:
    """Findings for a migration's up part (Python migrations are not linted)."""
    if migration.up is None or migration.language != "sql":
        return []
    directives = migration.directives
    return lint_section(
        migration.up,
        transactional=directives.transaction,
        options=options,
        lock_timeout=None if directives.lock_timeout is None else directives.lock_timeout > 0,
        statement_timeout=directives.statement_timeout is not None,
        statements=statements,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, line, then the worst first."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.severity.rank, f.rule))
