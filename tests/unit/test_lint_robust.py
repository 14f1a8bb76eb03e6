"""The linter never crashes: mutated SQL gives findings or a clear SQL error, nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgshift.discovery import sql_file
from pgshift.errors import PgshiftError
from pgshift.lint.engine import LintOptions, lint_migration
from pgshift.lint.examples import examples
from pgshift.lint.model import Finding
from pgshift.lint.rules import RULES

CORPUS = [e.sql for rule in RULES for e in examples(rule.doc)]
TOKENS = sorted({token for sql in CORPUS for token in sql.split()})


@st.composite
def mutated(draw: st.DrawFn) -> str:
    words = draw(st.sampled_from(CORPUS)).split(" ")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(words)))
        action = draw(st.sampled_from(["drop", "copy", "insert"]))
        if action == "drop" and words:
            del words[min(at, len(words) - 1)]
        elif action == "copy" and words:
            words.insert(at, words[min(at, len(words) - 1)])
        else:
            words.insert(at, draw(st.sampled_from(TOKENS)))
    return " ".join(words) or "SELECT 1;"


def _lint(sql: str, version: int | None) -> list[Finding] | PgshiftError:
    try:
        return lint_migration(sql_file(Path("m.sql"), sql), LintOptions(pg_version=version))
    except PgshiftError as exc:  # a syntax error, an unknown rule in an allow comment, ...
        return exc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from([None, 10, 11, 14, 18]))
def test_mutated_sql_gives_findings_or_a_clear_error(sql: str, version: int | None) -> None:
    result = _lint(sql, version)
    if isinstance(result, PgshiftError):
        assert result.message.startswith("m.sql"), result.message  # it says where
        assert result.hint
        return
    for finding in result:
        assert finding.line >= 1
        assert finding.message
        assert finding.safe
