"""The linter: a file's statements through every rule, with acknowledgements applied.

Findings are values (:class:`~pgshift.lint.model.Finding`), never exceptions; a
file that does not parse is reported by the caller as the SQL error it is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from pgshift.errors import ConfigError
from pgshift.lint.context import Context, Stmt, advance
from pgshift.lint.model import (
    ENGINE_FINDINGS,
    MIGRATE_REFUSES,
    RULE_CRASHED,
    Finding,
    Rule,
    Severity,
)
from pgshift.migrations.sections import Section

if TYPE_CHECKING:
    from pgshift.lint.known import Known, Learner
    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.statements import Statement


# within one line: [^\S\n] is any space but a line break
_ALLOW = re.compile(r"--[^\S\n]*pgshift:allow[^\S\n]+((?:[A-Za-z0-9_,-]|[^\S\n])+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LintOptions:
    """How to lint: the target server, the settings the runner applies, the rule set."""

    pg_version: int | None = None  # the target's major version, when known
    estimates: Mapping[str, int] | None = None  # row estimates by table (with a connection)
    lock_timeout: bool = False  # the runner sets lock_timeout for every migration
    statement_timeout: bool = False
    disabled: frozenset[str] = frozenset()
    enabled: frozenset[str] = frozenset()  # rules that are off by default, turned on
    levels: Mapping[str, Severity] = field(default_factory=dict)
    rules: tuple[Rule, ...] | None = None  # None: every rule
    known: Known | None = None  # the live database's columns and checks, with a connection

    def active(self) -> tuple[Rule, ...]:
        """The rules to run, each at its configured severity."""
        return self.dispatch()[0]

    def dispatch(self) -> Dispatch:
        """The rules to run; those for every statement; those by statement type."""
        levels = tuple(sorted((k, v.value) for k, v in self.levels.items()))
        if self.rules is not None:  # named one by one: each runs, on by default or not
            return _dispatch(self.rules, levels, self.disabled, frozenset(r.id for r in self.rules))
        # the usual case, asked once per file: cached without hashing every rule each
        # time, and made again if the rule set itself is another (a plugin, a test)
        from pgshift.lint.rules import RULES

        key = (levels, self.disabled, self.enabled)
        cached = _DISPATCHED.get(key)
        if cached is None or cached[0] is not RULES:
            if len(_DISPATCHED) > 16:
                _DISPATCHED.clear()
            cached = _DISPATCHED[key] = (RULES, _dispatch(RULES, *key))
        return cached[1]


Dispatch = tuple[tuple[Rule, ...], tuple[Rule, ...], dict[str, tuple[Rule, ...]]]
_DISPATCHED: dict[
    tuple[tuple[tuple[str, str], ...], frozenset[str], frozenset[str]],
    tuple[tuple[Rule, ...], Dispatch],
] = {}


@lru_cache(maxsize=16)
def _dispatch(
    chosen: tuple[Rule, ...],
    levels: tuple[tuple[str, str], ...],
    disabled: frozenset[str],
    enabled: frozenset[str],
) -> Dispatch:
    relevel = {rule: Severity(level) for rule, level in levels}
    rules = tuple(
        replace(rule, severity=relevel.get(rule.id, rule.severity))
        for rule in chosen
        if rule.id not in disabled and (rule.enabled_by_default or rule.id in enabled)
    )
    by_node: dict[str, list[Rule]] = {}
    for rule in rules:
        for node in rule.nodes or ():
            by_node.setdefault(node, []).append(rule)
    generic = tuple(rule for rule in rules if rule.nodes is None)
    return rules, generic, {node: tuple(found) for node, found in by_node.items()}


def check_rule_ids(ids: Iterable[str], where: str, known: Iterable[str] = ()) -> None:
    """Refuse a rule id no rule has (a typo would silently acknowledge nothing)."""
    from pgshift.lint.rules import RULE_IDS

    ids = set(ids)
    if ids & ENGINE_FINDINGS.keys():
        raise ConfigError(
            f"{where}: {', '.join(sorted(ids & ENGINE_FINDINGS.keys()))} is a finding of lint "
            "itself, not a rule: it cannot be acknowledged.",
            f"For {RULE_CRASHED}, acknowledge the rule the finding names; for "
            f"{MIGRATE_REFUSES}, change the statement as the finding says (migrate refuses it "
            "whatever the comments say).",
        )
    unknown = sorted(ids - RULE_IDS - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown lint rule(s): {', '.join(unknown)}.",
            "'pgshift lint --rules' lists them; the ids are those of docs/rules/.",
        )


def _allowances(
    section: Section, stmts: Sequence[Stmt]
) -> tuple[set[str], dict[int, set[str]], list[tuple[int, str]]]:
    """``-- pgshift:allow`` comments: for the file (above the first statement), per
    statement (on its lines or the comment lines just above it), and each one's line."""
    file_wide: set[str] = set()
    per_statement: dict[int, set[str]] = {}
    seen: list[tuple[int, str]] = []
    ends: list[int] | None = None  # each statement's last line, found at the first comment
    text = section.sql
    line, counted = section.first_line, 0
    for match in _ALLOW.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        ids = {i for i in re.split(r"[\s,]+", match.group(1)) if i}
        seen.extend((line, i) for i in sorted(ids))
        if not stmts or line < stmts[0].line:
            file_wide |= ids
            continue
        if ends is None:
            ends = [s.line + s.sql.count("\n") for s in stmts]
        # the statement this comment sits in, follows, or trails (same line as its end)
        target = min(bisect.bisect_left(ends, line), len(stmts) - 1)
        per_statement.setdefault(target, set()).update(ids)
    return file_wide, per_statement, seen


def _stmts(statements: Sequence[Statement]) -> list[Stmt]:
    return [
        Stmt(node=s.node, parsed=s.parsed, sql=s.sql, line=s.line, index=index, source=s)
        for index, s in enumerate(statements)
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
    migration: Migration | None = None,
    before: Callable[[], Learner | None] | None = None,
) -> list[Finding]:
    """Findings for one piece of SQL, in statement order (``statements``: already split;
    else it is split here, and a syntax error is the :class:`SqlError` it is).

    ``lock_timeout``: whether the file sets one (True), turns it off (False), or leaves
    it to the project (None). A rule that raises gives a :data:`RULE_CRASHED` warning
    instead of its findings on that statement; what ``pgshift migrate`` would refuse
    is a :data:`MIGRATE_REFUSES` error (see :mod:`pgshift.lint.refusals`). ``before``
    gives what is known of the schema before this SQL (else the options' live facts)."""
    from pgshift.lint.refusals import refusal_finding, refusals
    from pgshift.migrations.statements import split

    options = options or LintOptions()
    if statements is None:
        statements = split(section)
    stmts = _stmts(statements)
    file_wide, per_statement, seen = _allowances(section, stmts)
    rules, generic, by_node = options.dispatch()
    known = {r.id for r in rules}
    for line, rule_id in seen:
        check_rule_ids([rule_id], f"{section.path}:{line}: -- pgshift:allow", known)
    file_wide |= set(allow)
    refused = refusals(
        tuple(statements),
        transactional,
        section,
        pg_version=options.pg_version,
        migration=migration,
    )
    ctx = Context(
        path=str(section.path),
        transactional=transactional,
        pg_version=options.pg_version,
        lock_timeout=options.lock_timeout if lock_timeout is None else lock_timeout,
        statement_timeout=statement_timeout or options.statement_timeout,
        estimates=dict(options.estimates) if options.estimates is not None else None,
        statements=tuple(stmts),
        before=before or _live(options.known),
    )
    path = str(section.path)
    findings: list[Finding] = []
    for lazy in stmts:
        # a big file's tree is parsed once for all the rules of its statement, then let go
        stmt = lazy if lazy.parsed is not None else replace(lazy, parsed=lazy.body)
        allowed = per_statement.get(stmt.index)
        said_refusal = False
        for rule in (*by_node.get(stmt.node, ()), *generic):
            if rule.id in file_wide or (allowed and rule.id in allowed):
                continue
            try:
                hits = list(rule.check(stmt, ctx))
            except Exception as exc:  # a bug in a rule must not stop lint, nor migrate
                findings.append(_crashed(rule, stmt, path, exc))
                continue
            for hit in hits:
                said_refusal |= rule.speaks_for_migrate and rule.severity is Severity.ERROR
                findings.append(
                    Finding(
                        rule=rule.id,
                        severity=rule.severity,
                        path=path,
                        line=stmt.line + hit.line_offset,
                        column=1,
                        message=hit.message,
                        safe=hit.safe,
                        statement=stmt.first_line,
                    )
                )
        refusal = refused.get(stmt.index)
        if refusal is not None and not said_refusal:
            findings.append(refusal_finding(refusal, stmt, path))
        advance(ctx, stmt)
    return findings


def _live(known: Known | None) -> Callable[[], Learner | None]:
    """What a lone file knows before it: the live database, if linting with one."""

    def learner() -> Learner | None:
        from pgshift.lint.known import Learner

        return Learner.starting_from(known) if known is not None else None

    return learner


def _crashed(rule: Rule, stmt: Stmt, path: str, exc: Exception) -> Finding:
    """The finding that says a rule raised on a statement (its traceback goes to the log)."""
    import logging  # a rule that raises is rare: logging costs 2.5 ms to import

    logging.getLogger(__name__).debug(
        "lint rule %s raised on %s:%d", rule.id, path, stmt.line, exc_info=True
    )
    return Finding(
        rule=RULE_CRASHED,
        severity=Severity.WARNING,
        path=path,
        line=stmt.line,
        column=1,
        message=(
            f"rule {rule.id} crashed on this statement ({type(exc).__name__}: {exc}); it was "
            "not checked for what that rule looks for."
        ),
        safe=(
            "Please report this bug of pgshift with the statement (--debug shows the "
            f"traceback); meanwhile '-- pgshift:allow {rule.id}' above the statement skips the "
            "rule there."
        ),
        statement=stmt.first_line,
    )


def lint_migration(
    migration: Migration,
    options: LintOptions | None = None,
    statements: Sequence[Statement] | None = None,
    before: Callable[[], Learner | None] | None = None,
) -> list[Finding]:
    """Findings for a migration's up part (Python migrations are not linted); ``before``
    gives what is known of the schema before it (the live database, earlier files)."""
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
        migration=migration,
        before=before,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, line, then the worst first."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.severity.rank, f.rule))
