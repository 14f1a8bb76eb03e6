"""pgshift's linter against squawk, case by case, over the lint case corpus.

    python -m pip install -e . squawk-cli
    python bench/lint_vs_squawk.py --url postgresql://postgres@127.0.0.1:5432/postgres

Every ``.sql`` file of ``tests/cases/lint/`` (a folder there is one migrations directory,
linted in order as one run) goes through both tools in this run:

- pgshift in process, as the corpus test lints it (``tests/lint/test_lint_corpus.py``):
  offline with the case's ``-- pg:`` version; a case with ``-- live:`` lines, when
  ``--url`` is given, with a connection to a new database where those lines ran (dropped
  after). pgshift's runner sets a ``lock_timeout`` for every migration unless the project
  turns it off; squawk sees a file on its own, so pgshift is run as a project that sets
  none (``PGSHIFT_LOCK_TIMEOUT=0``), as it is offline;
- squawk's JSON reporter, each file alone, with ``--assume-in-transaction`` unless the file
  starts with ``-- pgshift:no-transaction`` (pgshift runs every other file in one
  transaction), and ``--pg-version`` from the case's ``-- pg:`` line.

Each finding is mapped to a hazard through ``HAZARDS`` (a rule, or a rule and a pattern
its message or, for squawk, the flagged text must match). For each hazard both tools
cover, the script compares, per statement of each file (per file for the once-a-file
timeout and transaction rules), whether each tool flagged it, and prints the places where
only one did, with what the case's ``-- expect:`` lines say pgshift must do there. Then
the totals: cases, hazards both cover, places flagged, agreements, disagreements each
way; and the findings no hazard of the table covers (a new squawk rule shows up there).

A missing squawk binary is reported and the script stops: nothing is made up.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path, or every later `import inspect` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import bisect  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import uuid  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "lint"

STATEMENT = "statement"  # compared statement by statement
FILE = "file"  # compared file by file (rules that speak once a file, or at its end)


class Hazard(NamedTuple):
    """One harm, and the rules of each tool that flag it.

    A rule is named alone, or as ``(rule, pattern)``: then only its findings whose text
    matches the pattern (case-insensitive; for pgshift the message, for squawk the message,
    a newline, and the flagged SQL) count."""

    id: str
    what: str
    scope: str
    squawk: tuple[str | tuple[str, str], ...]
    pgshift: tuple[str | tuple[str, str], ...]


_NOT_VALID = "constraint-missing-not-valid"
_SCAN = r"^By default.*\n"  # constraint-missing-not-valid's message for a constraint added valid
_KEY = "prefer-bigint-and-identity"
_INT = r"key of type (int4|int|integer)\b|is (serial|serial4):"
_SMALLINT = r"key of type (int2|smallint)\b|is (smallserial|serial2):"
_SERIAL = r"is (big|small)?serial[248]?:"

HAZARDS: tuple[Hazard, ...] = (
    Hazard("drop-table", "DROP TABLE deletes the data", STATEMENT,
           ("ban-drop-table",), ("drop-table",)),
    Hazard("drop-column", "DROP COLUMN deletes the data", STATEMENT,
           ("ban-drop-column",), ("drop-column",)),
    Hazard("drop-database", "DROP DATABASE deletes everything", STATEMENT,
           ("ban-drop-database",), (("drop-schema-or-database", r"^DROP DATABASE"),)),
    Hazard("drop-not-null", "DROP NOT NULL lets NULLs reach the code", STATEMENT,
           ("ban-drop-not-null",), ("drop-not-null",)),
    Hazard("rename-column", "a renamed column breaks the running code", STATEMENT,
           ("renaming-column",), ("rename-column",)),
    Hazard("rename-table", "a renamed table breaks the running code", STATEMENT,
           ("renaming-table",), ("rename-table",)),
    Hazard("drop-constraint", "DROP CONSTRAINT removes a guarantee", STATEMENT,
           ("ban-drop-constraint",), ("drop-constraint",)),
    Hazard("rename-other", "renaming another object (schema, enum value, ...) breaks code",
           STATEMENT, ("renaming-object",), ("rename-schema-or-enum-value",)),
    Hazard("truncate", "TRUNCATE empties tables (CASCADE: the referencing ones too)", STATEMENT,
           ("ban-truncate-cascade",), ("truncate",)),
    Hazard("required-column", "a NOT NULL column without a default fails on rows", STATEMENT,
           ("adding-required-field",), ("add-required-column",)),
    Hazard("add-column-rewrite", "a new column's default or generation rewrites the table",
           STATEMENT, ("adding-field-with-default",),
           ("add-column-volatile-default", "add-column-generated-or-serial")),
    Hazard("set-not-null", "SET NOT NULL scans under ACCESS EXCLUSIVE", STATEMENT,
           ("adding-not-nullable-field",), ("set-not-null",)),
    Hazard("foreign-key", "a foreign key added valid scans while both tables wait", STATEMENT,
           ("adding-foreign-key-constraint", (_NOT_VALID, _SCAN + r".*(foreign\s+key|references)")),
           ("add-foreign-key-without-not-valid",)),
    Hazard("check", "a CHECK added valid scans under ACCESS EXCLUSIVE", STATEMENT,
           ((_NOT_VALID, _SCAN + r".*\bcheck\b"),), ("add-check-without-not-valid",)),
    Hazard("unique", "a UNIQUE constraint builds its index under ACCESS EXCLUSIVE", STATEMENT,
           ("disallowed-unique-constraint", (_NOT_VALID, _SCAN + r".*\bunique\b")),
           ("add-unique-constraint",)),
    Hazard("primary-key", "a primary key builds its index under ACCESS EXCLUSIVE", STATEMENT,
           ("adding-serial-primary-key-field", (_NOT_VALID, _SCAN + r".*primary\s+key")),
           ("add-primary-key",)),
    Hazard("exclusion", "an exclusion constraint builds its index under ACCESS EXCLUSIVE",
           STATEMENT, ((_NOT_VALID, _SCAN + r".*\bexclude\b"),), ("add-exclusion-constraint",)),
    Hazard("validate-same-transaction", "VALIDATE in the transaction that took the lock",
           STATEMENT, ((_NOT_VALID, r"same transaction"),), ("validate-in-same-transaction",)),
    Hazard("column-type", "ALTER COLUMN TYPE rewrites, or loses values", STATEMENT,
           ("changing-column-type",), ("change-column-type", "narrowing-type-change")),
    Hazard("create-index", "CREATE INDEX without CONCURRENTLY blocks writes", STATEMENT,
           ("require-concurrent-index-creation",), ("create-index-non-concurrent",)),
    Hazard("drop-index", "DROP INDEX without CONCURRENTLY blocks reads and writes", STATEMENT,
           ("require-concurrent-index-deletion",), ("drop-index-non-concurrent",)),
    Hazard("concurrently-in-transaction", "CONCURRENTLY fails in a transaction block",
           STATEMENT, ("ban-concurrent-index-creation-in-transaction",),
           ("concurrently-in-transaction",)),
    Hazard("transaction-control", "BEGIN/COMMIT/ROLLBACK in the file", FILE,
           ("transaction-nesting", "ban-uncommitted-transaction"),
           ("transaction-control-in-file",)),
    Hazard("rerun", "a no-transaction file that fails when run again", STATEMENT,
           ("prefer-robust-stmts",), ("non-idempotent-in-non-transactional",)),
    Hazard("lock-timeout", "a strong lock waited for without lock_timeout", FILE,
           ("require-lock-timeout",), ("missing-lock-timeout",)),
    Hazard("statement-timeout", "no statement_timeout", FILE,
           ("require-statement-timeout",), ("missing-statement-timeout",)),
    Hazard("reindex", "REINDEX without CONCURRENTLY blocks writes", STATEMENT,
           ("require-concurrent-reindex",), (("missing-concurrently-other", r"^REINDEX"),)),
    Hazard("detach-partition", "DETACH PARTITION without CONCURRENTLY", STATEMENT,
           ("require-concurrent-partition-detach",),
           (("missing-concurrently-other", r"^DETACH"),)),
    Hazard("table-rewrite", "VACUUM FULL / CLUSTER rewrite under ACCESS EXCLUSIVE", STATEMENT,
           ("prefer-repack",), ("table-rewrite-command",)),
    Hazard("domain-constraint", "a domain constraint is checked in every table", STATEMENT,
           ("ban-create-domain-with-constraint", "ban-alter-domain-with-add-constraint"),
           ("domain-constraint",)),
    Hazard("enum-ordering", "ADD VALUE without BEFORE/AFTER goes last", STATEMENT,
           ("require-enum-value-ordering",), ("enum-value-ordering",)),
    Hazard("long-identifier", "a name over 63 bytes is cut", STATEMENT,
           ("identifier-too-long",), (("naming-and-identifiers", r"bytes: PostgreSQL cuts"),)),
    Hazard("duplicate-column", "a column assigned or defined twice: the statement fails",
           STATEMENT, ("ban-duplicate-column-assignments",),
           ("duplicate-column",)),
    Hazard("int-column", "a 32-bit integer (serial) column can run out", STATEMENT,
           ("prefer-bigint-over-int",),
           ((_KEY, _INT),)),
    Hazard("smallint-column", "a 16-bit integer (smallserial) column runs out", STATEMENT,
           ("prefer-bigint-over-smallint",),
           ((_KEY, _SMALLINT),)),
    Hazard("serial", "serial instead of an identity", STATEMENT,
           ("prefer-identity",), ((_KEY, _SERIAL),)),
    Hazard("varchar", "varchar(n) instead of text", STATEMENT,
           ("prefer-text-field",), (("prefer-text-over-varchar-char", r" is varchar"),)),
    Hazard("char", "char(n) pads with spaces", STATEMENT,
           ("ban-char-field",), (("prefer-text-over-varchar-char", r" is char"),)),
    Hazard("timestamp", "timestamp without time zone", STATEMENT,
           ("prefer-timestamp-tz",), (("prefer-timestamptz-and-jsonb", r" is timestamp:"),)),
)  # fmt: skip


class Finding(NamedTuple):
    """One finding of either tool, where it is and what it says."""

    tool: str  # "pgshift" or "squawk"
    path: Path
    line: int  # 1-based
    rule: str
    text: str  # what the hazard patterns are matched against


class Case(NamedTuple):
    """A case of the corpus: one file, or a folder linted as one run."""

    name: str
    path: Path
    files: tuple[Path, ...]
    pg: int | None
    live: tuple[str, ...]


class Place(NamedTuple):
    """Where two findings count as the same: a statement of a file, or the file."""

    path: Path
    statement: int  # -1: the whole file
    line: int  # the statement's first line (the first finding's line, for a file)


def read_cases(root: Path) -> list[Case]:
    """Every .sql file of the corpus (a folder is one case), with its header facts."""
    found = []
    for path in sorted(root.iterdir()):
        if path.is_dir():
            files = tuple(sorted(path.glob("*.sql")))
        elif path.suffix == ".sql":
            files = (path,)
        else:
            continue
        if not files:
            continue
        pg, live = None, []
        for file in files:
            for key, value in header(file):
                if key == "pg":
                    pg = int(value)
                elif key == "live":
                    live.append(value)
        found.append(Case(path.stem if path.is_file() else path.name, path, files, pg, tuple(live)))
    return found


_HEADER = re.compile(r"^--\s*(case|expect|pg|live|runs):\s*(.*)$")


def header(path: Path) -> list[tuple[str, str]]:
    """The ``-- key: value`` lines above a file's first statement."""
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("--"):
            break
        found = _HEADER.match(line)
        if found:
            lines.append((found.group(1), found.group(2).strip()))
    return lines


def no_transaction(path: Path) -> bool:
    """Whether pgshift runs the file statement by statement (its first line says so)."""
    first = path.read_text().lstrip().splitlines()[:1]
    return bool(first) and first[0].strip().lower().startswith("-- pgshift:no-transaction")


def statement_lines(path: Path) -> list[int]:
    """The first line of each statement of the file (pgshift's own split); every line of
    the file when it does not parse."""
    from pgshift.migrations.discovery import sql_file
    from pgshift.migrations.statements import split

    try:
        migration = sql_file(path)
        if migration.up is None:
            return [1]
        return [s.line for s in split(migration.up)] or [1]
    except Exception:  # a file that does not parse: compare line by line
        return list(range(1, len(path.read_text().splitlines()) + 2))


# ------------------------------------------------------------------------------- pgshift


def lint_pgshift(case: Case, url: str | None) -> tuple[list[Finding], bool]:
    """pgshift's findings for a case, and whether it was linted with the live schema."""
    if case.live and url:
        return _lint_live(case, url), True
    from pgshift.lint.engine import LintOptions
    from pgshift.lint.files import collect, lint_migrations
    from pgshift.migrations.discovery import sql_file

    options = LintOptions(pg_version=case.pg)
    migrations = collect([case.path]) if case.path.is_dir() else (sql_file(case.path),)
    return _ours(lint_migrations(migrations, options)), False


def _lint_live(case: Case, url: str) -> list[Finding]:
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    import pgshift

    name = f"pgshift_squawk_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        scratch = make_conninfo(url, dbname=name)
        with psycopg.connect(scratch, autocommit=True) as conn:
            for line in case.live:
                conn.execute(line.encode())
        result = pgshift.lint(
            [case.path], url=scratch, pg_version=case.pg, cache=False, directory=case.path
        )
        return _ours(result.findings)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _ours(findings: Iterable[Any]) -> list[Finding]:
    return [
        Finding("pgshift", Path(f.path).resolve(), int(f.line), str(f.rule), str(f.message))
        for f in findings
    ]


# -------------------------------------------------------------------------------- squawk


def find_squawk(given: str | None) -> str | None:
    """The squawk binary: --squawk, on PATH, or beside this Python (a venv's bin)."""
    if given:
        return given if Path(given).exists() else shutil.which(given)
    beside = Path(sys.executable).parent / "squawk"
    return shutil.which("squawk") or (str(beside) if beside.exists() else None)


def squawk_version(binary: str) -> str:
    """What ``squawk --version`` says."""
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or done.stderr.strip()


def lint_squawk(binary: str, cases: Sequence[Case]) -> list[Finding]:
    """squawk's findings for every file, each file with the settings pgshift runs it with."""
    groups: dict[tuple[bool, int | None], list[Path]] = defaultdict(list)
    for case in cases:
        for file in case.files:
            groups[(not no_transaction(file), case.pg)].append(file)
    found: list[Finding] = []
    with tempfile.TemporaryDirectory() as empty:  # no .squawk.toml is found from here
        for (in_transaction, pg), files in sorted(groups.items(), key=str):
            command = [binary, "--reporter", "json"]
            if in_transaction:
                command.append("--assume-in-transaction")
            if pg is not None:
                command.append(f"--pg-version={pg}")
            command += [str(f) for f in files]
            done = subprocess.run(command, capture_output=True, text=True, cwd=empty, check=False)
            if done.returncode not in (0, 1):
                raise SystemExit(f"squawk failed ({done.returncode}): {done.stderr.strip()}")
            try:
                violations = json.loads(done.stdout or "[]")
            except json.JSONDecodeError:
                raise SystemExit(f"squawk printed no JSON: {done.stdout[:300]}") from None
            found += [_theirs(v) for v in violations]
    return found


def _theirs(violation: dict[str, object]) -> Finding:
    path = Path(str(violation["file"])).resolve()
    lines = path.read_text().splitlines()
    first, last = int(str(violation["line"])), int(str(violation["line_end"]))
    start, end = int(str(violation["column"])), int(str(violation["column_end"]))
    span = lines[first : last + 1] or [""]
    if len(span) == 1:
        flagged = span[0][start:end] or span[0]
    else:
        flagged = "\n".join([span[0][start:], *span[1:-1], span[-1][:end]])
    text = f"{violation['message']}\n{flagged}"
    return Finding("squawk", path, first + 1, str(violation["rule_name"]), text)


# ----------------------------------------------------------------------------- comparing


def hazards_of(finding: Finding) -> list[Hazard]:
    """The hazards of the table a finding is about."""
    found = []
    for hazard in HAZARDS:
        rules = hazard.squawk if finding.tool == "squawk" else hazard.pgshift
        for rule in rules:
            name, pattern = (rule, None) if isinstance(rule, str) else rule
            if name != finding.rule:
                continue
            if pattern is None or re.search(pattern, finding.text, re.I | re.S | re.M):
                found.append(hazard)
                break
    return found


def place(finding: Finding, hazard: Hazard, starts: dict[Path, list[int]]) -> Place:
    """Where a finding counts: its statement (or its file, for a file-wide hazard)."""
    if hazard.scope == FILE:
        return Place(finding.path, -1, 0)
    lines = starts[finding.path]
    index = max(bisect.bisect_right(lines, finding.line) - 1, 0)
    return Place(finding.path, index, lines[index])


def expected(path: Path, hazard: Hazard, where: Place, starts: list[int], fired: set[str]) -> str:
    """What the case's ``-- expect:`` lines say pgshift must do there for this hazard
    (``fired``: the pgshift rules that flagged the place, for any hazard)."""
    rules = {r if isinstance(r, str) else r[0] for r in hazard.pgshift}
    end = starts[where.statement + 1] if 0 <= where.statement < len(starts) - 1 else 10**9
    said = ""
    for key, value in header(path):
        words = value.split()
        if key != "expect" or not words or words[0] not in rules:
            continue
        if words[1:2] == ["none"]:
            said = "the case: pgshift must not flag it"
        elif len(words) >= 4 and words[2] == "line":
            line = int(words[3])
            if where.statement < 0 or where.line <= line < end:
                if words[0] in fired and hazard.scope == STATEMENT:
                    return f"the case expects {words[0]} here, which flags another hazard"
                return f"the case: pgshift must flag it ({words[0]} {words[1]})"
    return said


def show(
    root: Path,
    hazard: Hazard,
    where: Place,
    first: Finding,
    starts: dict[Path, list[int]],
    fired: set[str],
) -> None:
    """One place only one tool flagged, with what the case says pgshift must do there."""
    root = root.resolve()
    name = where.path.relative_to(root) if where.path.is_relative_to(root) else where.path
    at = "" if where.statement < 0 else f":{first.line}"
    label = f"{first.tool} only"
    print(f"  {label:13} {name}{at}  [{first.rule}] {first.text.splitlines()[0][:90]}")
    note = expected(where.path, hazard, where, starts[where.path], fired)
    if note:
        print(f"  {'':13} -> {note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="server for the cases with -- live: lines (else offline)")
    parser.add_argument("--squawk", help="the squawk binary (default: on PATH, or in the venv)")
    parser.add_argument("--cases", type=Path, default=CASES, help="the corpus folder")
    args = parser.parse_args(argv)

    binary = find_squawk(args.squawk)
    if binary is None:
        print("squawk not found: install it (python -m pip install squawk-cli) or pass --squawk.")
        print("Nothing compared.")
        return 2
    os.environ["PGSHIFT_LOCK_TIMEOUT"] = "0"  # as squawk sees a file: no runner timeout

    cases = read_cases(args.cases)
    files = [f for c in cases for f in c.files]
    starts = {f.resolve(): statement_lines(f) for f in files}
    ours: list[Finding] = []
    offline_live = []
    for case in cases:
        findings, live = lint_pgshift(case, args.url)
        ours += findings
        if case.live and not live:
            offline_live.append(case.name)
    theirs = lint_squawk(binary, cases)

    flagged: dict[str, dict[Place, dict[str, list[Finding]]]] = defaultdict(
        lambda: defaultdict(lambda: {"pgshift": [], "squawk": []})
    )
    unmapped: Counter[tuple[str, str]] = Counter()
    for finding in ours + theirs:
        hazards = hazards_of(finding)
        if not hazards:
            unmapped[(finding.tool, finding.rule)] += 1
        for hazard in hazards:
            flagged[hazard.id][place(finding, hazard, starts)][finding.tool].append(finding)

    fired: dict[tuple[Path, int], set[str]] = defaultdict(set)  # pgshift's rules by statement
    for finding in ours:
        lines = starts[finding.path]
        fired[(finding.path, max(bisect.bisect_right(lines, finding.line) - 1, 0))].add(
            finding.rule
        )

    print(f"pgshift (this tree) against {squawk_version(binary)}, over {args.cases}")
    if offline_live:
        print(f"  {len(offline_live)} cases with -- live: lines linted offline (no --url)")
    print()
    rows = []
    for hazard in HAZARDS:
        places = flagged.get(hazard.id, {})
        both = [p for p, t in places.items() if t["pgshift"] and t["squawk"]]
        only = {
            tool: sorted(p for p, t in places.items() if t[tool] and not t[other])
            for tool, other in (("squawk", "pgshift"), ("pgshift", "squawk"))
        }
        rows.append((hazard.id, len(both), len(only["squawk"]), len(only["pgshift"])))
        if only["squawk"] or only["pgshift"]:
            print(f"## {hazard.id}: {hazard.what}")
            for tool in ("squawk", "pgshift"):
                for where in only[tool]:
                    found = places[where][tool][0]
                    here = fired[(where.path, where.statement)]
                    show(args.cases, hazard, where, found, starts, here)
            print()
    agree, squawk_only, pgshift_only = (sum(r[i] for r in rows) for i in (1, 2, 3))

    width = max(len(r[0]) for r in rows)
    print(f"{'hazard':{width}}  both  squawk only  pgshift only")
    for name, both, only_s, only_p in rows:
        print(f"{name:{width}}  {both:4}  {only_s:11}  {only_p:12}")
    print()
    if unmapped:
        print("Findings no hazard of the table covers (not compared):")
        for (tool, rule), count in sorted(unmapped.items()):
            print(f"  {tool:8} {rule:45} {count}")
        print()
    statements = sum(len(s) for s in starts.values())
    print(f"cases: {len(cases)} ({len(files)} files, {statements} statements)")
    print(f"hazards both tools cover: {len(HAZARDS)}")
    print(f"places flagged by either: {agree + squawk_only + pgshift_only}")
    print(f"agreements (both flag):   {agree}")
    print(f"squawk flags, pgshift not: {squawk_only}")
    print(f"pgshift flags, squawk not: {pgshift_only}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
