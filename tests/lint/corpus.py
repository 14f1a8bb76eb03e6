"""The lint case corpus (``tests/cases/lint/``): each case a migration file, or a folder of
them, with what the linter must and must not say, and what PostgreSQL does with it.

A case's header is comment lines above its first statement::

    -- case: widening varchar is no narrowing
    -- expect: narrowing-type-change none
    -- expect: drop-column error line 4
    -- expect: set-not-null warning line 6 safe "ADD CONSTRAINT"
    -- pg: 12
    -- live: CREATE TABLE users (id bigint, email varchar(100));
    -- runs: ok

``expect: RULE none`` says the rule must not fire anywhere in the file; ``expect: RULE
SEVERITY line N`` that it fires at line N with that severity (and, with ``safe "..."``,
that its safe text holds the quoted words). Rules the header does not name are not
checked. ``pg`` is the target server's major version. ``live`` lines are SQL run on a
new database before the case, which is then linted with a connection (so the linter
knows the live schema). ``runs`` is what PostgreSQL does with the file there: ``ok``,
``fails SQLSTATE``, or (for ``-- pgshift:no-transaction`` files) ``ok twice`` / ``fails
twice SQLSTATE``: the second run, as a resumed migration would, does or does not fail.
``runs before N`` is what a server older than PostgreSQL N does instead, where that
differs (the lowest N above the server's major counts). ``needs: N WHAT`` is the oldest
PostgreSQL the file's SQL runs on at all (WHAT: the syntax or function it needs); on an
older server what PostgreSQL does is not checked (the test skips, saying so). A syntax
error never bears out a ``fails`` claim: a server lacking the syntax needs ``needs:``.
``enable: RULE`` turns on a rule that is off by default.
A folder holds a migrations directory, linted in order as one run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "cases" / "lint"


@dataclass(frozen=True, slots=True)
class Expect:
    """One line of what the linter must (or must not) say of a file."""

    rule: str
    severity: str | None  # None: the rule must not fire
    line: int | None = None
    safe: str | None = None


@dataclass(frozen=True, slots=True)
class CaseFile:
    """One migration file of a case, with its expectations."""

    path: Path
    expects: tuple[Expect, ...]


@dataclass
class Case:
    """A case: one file (or a folder of files) and what is claimed of it."""

    name: str
    path: Path
    files: list[CaseFile] = field(default_factory=list)
    title: str = ""
    pg_version: int | None = None
    live: list[str] = field(default_factory=list)
    runs: str | None = None
    runs_before: dict[int, str] = field(default_factory=dict)  # {N: what a server < N does}
    needs: int | None = None  # the oldest major the SQL runs on
    needs_what: str = ""  # what of it the older servers lack
    enable: list[str] = field(default_factory=list)  # rules off by default, turned on

    @property
    def no_transaction(self) -> bool:
        """Whether the (single) file runs outside a transaction."""
        return "pgshift:no-transaction" in self.files[-1].path.read_text()

    def claim(self, major: int) -> str | None:
        """What PostgreSQL ``major`` does with the file (``runs``, or the ``runs before N``
        of the lowest N above ``major``)."""
        for before in sorted(self.runs_before):
            if major < before:
                return self.runs_before[before]
        return self.runs


_HEADER = re.compile(r"^--\s*(case|expect|pg|live|runs|runs before (?:\d+)|needs|enable):\s*(.*)$")


def _read(case: Case, path: Path) -> CaseFile:
    expects: list[Expect] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("--"):
            break  # the header ends at the first statement
        found = _HEADER.match(line)
        if found is None:
            continue
        key, value = found.groups()
        if key == "case":
            case.title = value
        elif key == "pg":
            case.pg_version = int(value)
        elif key == "live":
            case.live.append(value)
        elif key == "runs":
            case.runs = value.strip()
        elif key.startswith("runs before "):
            case.runs_before[int(key.split()[-1])] = value.strip()
        elif key == "needs":
            major, _, what = value.strip().partition(" ")
            case.needs, case.needs_what = int(major), what.strip()
        elif key == "enable":
            case.enable += value.split()
        else:
            expects.append(_expect(value, path))
    return CaseFile(path, tuple(expects))


def _expect(value: str, path: Path) -> Expect:
    words = shlex.split(value)
    if len(words) == 2 and words[1] == "none":
        return Expect(words[0], None)
    if len(words) >= 4 and words[2] == "line":
        safe = None
        if len(words) == 6 and words[4] == "safe":
            safe = words[5]
        elif len(words) != 4:
            raise ValueError(f"{path}: cannot read 'expect: {value}'")
        return Expect(words[0], words[1], int(words[3]), safe)
    raise ValueError(f"{path}: cannot read 'expect: {value}'")


def cases() -> list[Case]:
    """Every case of the corpus (the golden report files, ``*.txt``, are not cases)."""
    found = []
    for path in sorted(ROOT.iterdir()):
        if path.is_dir():
            case = Case(path.name, path)
            for file in sorted(path.glob("*.sql")):
                case.files.append(_read(case, file))
        elif path.suffix == ".sql" and not path.with_suffix(".txt").exists():
            case = Case(path.stem, path)
            case.files.append(_read(case, path))
        else:
            continue
        if not any(f.expects for f in case.files):
            raise ValueError(f"{path}: a case without any 'expect:' line")
        found.append(case)
    return found
