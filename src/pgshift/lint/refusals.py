"""What ``pgshift migrate`` refuses before running anything, as lint findings.

Migrate splits each pending file and hands the statements to
:func:`pgshift.migrations.statements.check_runnable`, which raises on the first one it
refuses (transaction control, a statement that cannot run in a transaction block
in a transactional migration, ...). Lint calls that same function, never a copy of
its logic, so the two cannot disagree: a file gets a :data:`MIGRATE_REFUSES`
error exactly when migrate would refuse it, at the line and with the words migrate
would use.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING

from pgshift.errors import PgshiftError
from pgshift.lint.model import MIGRATE_REFUSES, Finding, Severity

if TYPE_CHECKING:
    from pgshift.lint.context import Stmt
    from pgshift.migrations.discovery import Migration
    from pgshift.migrations.sections import Section
    from pgshift.migrations.statements import Statement

# After the first refusal (migrate's own, found over the whole file), later ones are
# looked for this many statements at a time, so that a file refused at every statement
# still costs time linear in its size.
WINDOW = 256

Check = Callable[[tuple["Statement", ...]], None]


def check_runnable(
    statements: tuple[Statement, ...],
    transactional: bool,
    section: Section,
    *,
    pg_version: int | None = None,
    migration: Migration | None = None,
) -> None:
    """Migrate's check of a file, called as the runner calls it.

    The one place lint calls :func:`pgshift.migrations.statements.check_runnable`: when it learns
    of more facts (the server's version, the migration's layout), pass them here."""
    from pgshift.migrations.layouts._common import no_transaction_hint
    from pgshift.migrations.statements import NO_TRANSACTION_HINT
    from pgshift.migrations.statements import check_runnable as check

    hint = NO_TRANSACTION_HINT if migration is None else no_transaction_hint(migration)
    check(statements, transactional, section, no_transaction_hint=hint)


def refusals(
    statements: tuple[Statement, ...],
    transactional: bool,
    section: Section,
    *,
    pg_version: int | None = None,
    migration: Migration | None = None,
) -> dict[int, PgshiftError]:
    """What migrate refuses, by the position of the refused statement.

    The first refusal is the one migrate reports; the later ones, what it would report
    once the earlier ones are fixed."""

    def check(part: tuple[Statement, ...]) -> None:
        check_runnable(part, transactional, section, pg_version=pg_version, migration=migration)

    lines = [s.line for s in statements]
    found: dict[int, PgshiftError] = {}
    start, window = 0, len(statements)  # first the whole file, as migrate sees it
    while start < len(statements):
        part = statements[start : start + window]
        window = WINDOW
        try:
            check(part)
        except PgshiftError as exc:
            at = _culprit(part, lines, start, exc, check)
            if at is None:  # not on a statement's line: said once, on the first one
                found.setdefault(start, exc)
                break
            found[at] = exc
            start = at + 1
        else:
            start += len(part)
    return found


def _culprit(
    part: tuple[Statement, ...], lines: list[int], start: int, exc: PgshiftError, check: Check
) -> int | None:
    """The position of the statement ``check`` refused in ``part`` (which begins at
    ``start``), from the error's line: the statement there (the one whose inclusion
    makes ``check`` raise, when several share the line), else the one holding it."""
    line = getattr(exc, "line", None)
    if not isinstance(line, int):
        return None
    end = start + len(part)
    low = bisect.bisect_left(lines, line, start, end)
    high = bisect.bisect_right(lines, line, low, end)
    if low == high:  # a line inside a statement
        return low - 1 if low > start else None
    while high - low > 1:  # the refused one is at or after `low`, before `high`
        middle = (low + high) // 2
        try:
            check(part[: middle - start])
        except PgshiftError:
            high = middle
        else:
            low = middle
    return low


def refusal_finding(exc: PgshiftError, stmt: Stmt, path: str) -> Finding:
    """Migrate's refusal as a finding: its message (less the ``file:line:`` lint shows
    anyway, and a quote of the statement lint shows too) and its hint."""
    line = getattr(exc, "line", None)
    line = line if isinstance(line, int) else stmt.line
    message = exc.message.removeprefix(f"{path}:{line}: ")
    first, *rest = message.split("\n")
    rest = [part for part in rest if part.strip() != stmt.first_line]
    return Finding(
        rule=MIGRATE_REFUSES,
        severity=Severity.ERROR,
        path=path,
        line=line,
        column=1,
        message="\n".join([first, *rest]),
        safe=exc.hint,
        statement=stmt.first_line,
    )
