"""pgshift's diff and migra over a folder of cases, judged the same way for both.

    python -m pip install -e . migra psycopg2-binary
    python bench/diff_cases.py tests/cases/diff --url postgresql://postgres@127.0.0.1:5432/postgres

A case is a subfolder holding ``a.sql`` and ``b.sql`` (as ``tests/cases/diff/``). For each
case and each tool: a new database A gets a.sql, a new database B gets b.sql (a file that
fails to load, a missing extension say, makes the case "not runnable"); the tool writes
the SQL from A to B, which is applied to A in one transaction (statement by statement
outside one when the server refuses a statement inside a transaction block, or the use
of an enum label added in the same transaction); the first error makes the case "SQL
rejected". Then, on A after:

- converged: the tool's own second diff, from A after to B, is empty;
- identical: ``pg_dump --schema-only --no-owner --no-privileges`` of A after equals B's,
  once comment lines, blank lines, ``SET`` and ``set_config`` lines and the
  ``\\restrict`` lines of newer pg_dump are dropped;
- silent: the tool said "no difference" (no SQL) while the dumps of A and B differ; the
  worst outcome, counted apart. pgshift says the differences it finds and cannot write
  (its script's ``unwritten``, beside the steps it does write): such a case is "said it
  cannot" when the dumps still differ, never silent; its second diff has converged when
  it writes no further step.

pgshift runs in process (``inspect`` on a psycopg connection, ``diff_script`` with
``allow_destructive=True``); migra through its library (``Migration`` on sqlbag sessions,
``set_safety(False)``, ``add_all_changes()``), when it is installed: otherwise the script
says why and judges pgshift alone. Neither tool's privileges are judged (migra is asked
for none, and the dumps leave them out).

It prints, per tool, the counts, the cases each tool fails grouped by outcome, and the
cases where the two tools' outcomes differ (``--show`` adds each one's SQL, error, second
diff and dump difference).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py shares its name with the standard library's `inspect`: keep this
# folder off the import path, or every later `import inspect` (dataclasses, psycopg,
# SQLAlchemy) would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import difflib  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TOOLS = ("pgshift", "migra")
# the server refuses the statement in a transaction block: run the script one statement
# at a time instead (CREATE INDEX CONCURRENTLY; an enum label used where it was added)
OUTSIDE_A_TRANSACTION = {"25001", "55P04"}


class Outcome(NamedTuple):
    """One tool on one case."""

    case: str
    tool: str
    label: str  # "pass", "not runnable", "tool error", "SQL rejected", "silent", ...
    reason: str = ""  # one line: why, when not "pass"
    runnable: bool = False
    rejected: bool = False
    said_none: bool = False  # the tool wrote no SQL and said no difference
    cannot: bool = False  # pgshift: only differences it says it cannot write
    converged: bool = False
    identical: bool = False
    dumps_differ_before: bool = False  # a's and b's dumps differ (the dump can judge)
    one_by_one: bool = False  # applied statement by statement, outside a transaction
    script: str = ""
    details: str = ""  # the error, the second diff, the dump difference (for --show)


class Rejected(Exception):
    """The tool's SQL failed on A."""


# -- databases -------------------------------------------------------------------------


def create_db(admin: str, tag: str) -> tuple[str, str]:
    name = f"pgshift_dc_{tag}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, make_conninfo(admin, dbname=name)


def drop_db(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def as_url(conninfo: str) -> str:
    """A postgresql:// URL for SQLAlchemy (psycopg2), from any libpq conninfo."""
    params = conninfo_to_dict(conninfo)
    user = params.get("user", "postgres")
    password = f":{params['password']}" if params.get("password") else ""
    host = params.get("host", "localhost")
    port = params.get("port", "5432")
    return f"postgresql://{user}{password}@{host}:{port}/{params['dbname']}"


_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')
_MISSING_SCHEMA = re.compile(r'schema "([^"]+)" does not exist')


def load(url: str, path: Path) -> None:
    """One file into a database, as the diff corpus test loads it; failing that, as a
    declarative schema file: statement by statement in any order that works.

    Suites written for other tools assume things of their runner: statements in any
    order (the tool sorts them), roles and schemas made beforehand, ``CREATE INDEX
    CONCURRENTLY`` outside a transaction, psql's ``\\connect`` lines. The fallback
    gives each the same: it runs the statements one at a time, outside a transaction,
    again and again while some succeed; a missing role is made (``NOLOGIN``, on the
    whole server) or schema (in this database) and the statement tried again; psql
    meta-command lines are left out. What still fails makes the case not runnable,
    for every tool alike."""
    text = path.read_text()
    if not text.strip():
        return
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(text.encode())
            return
        except psycopg.Error as exc:
            first_error = exc
    _load_declarative(url, text, first_error)


def _load_declarative(url: str, text: str, first_error: psycopg.Error) -> None:
    import pglast

    kept: list[str] = []
    in_copy = False
    for line in text.splitlines():
        if in_copy:  # a pg_dump file's rows: data, not schema
            in_copy = line != "\\."
        elif re.match(r"COPY .* FROM stdin;$", line):
            in_copy = True
        elif not line.startswith("\\"):
            kept.append(line)
    plain = "\n".join(kept)
    try:
        statements = [s for s in pglast.split(plain) if s.strip()]
    except pglast.parser.ParseError:
        raise first_error from None
    # the fresh database again: the whole-file try ran in one implicit transaction
    with psycopg.connect(url, autocommit=True) as conn:
        pending = statements
        last: psycopg.Error = first_error
        while pending:
            failed: list[str] = []
            for statement in pending:
                for _ in range(5):  # a statement may lack more than one role or schema
                    try:
                        conn.execute(statement.encode())
                        break
                    except (psycopg.errors.DuplicateObject, psycopg.errors.DuplicateSchema):
                        break  # CREATE EXTENSION plpgsql, CREATE SCHEMA public: there already
                    except psycopg.Error as exc:
                        last = exc
                        if not _make_missing(conn, str(exc)):
                            failed.append(statement)
                            break
                else:
                    failed.append(statement)
            if len(failed) == len(pending):
                raise last
            pending = failed


def _make_missing(conn: psycopg.Connection[Any], message: str) -> bool:
    """Make the role or schema an error says is missing; False when it names neither."""
    if match := _MISSING_ROLE.search(message):
        with contextlib.suppress(psycopg.errors.DuplicateObject):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(match[1])))
        return True
    if match := _MISSING_SCHEMA.search(message):
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(match[1])))
        return True
    return False


def find_pg_dump(admin: str) -> tuple[str, str]:
    """A pg_dump of the server's major version (or newer), and its version line."""
    with psycopg.connect(admin) as conn:
        major = conn.info.server_version // 10000
    candidates = [f"/usr/lib/postgresql/{major}/bin/pg_dump"]
    try:
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        candidates.append(os.path.join(bindir, "pg_dump"))
    except (OSError, subprocess.CalledProcessError):
        pass
    candidates.append(shutil.which("pg_dump") or "")
    seen: list[str] = []
    for path in candidates:
        if not path or not os.access(path, os.X_OK):
            continue
        line = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
        found = re.search(r"(\d+)\.", line)
        seen.append(f"{path}: {line}")
        if found and int(found.group(1)) == major:
            return path, line
    for path in candidates:  # a newer pg_dump reads an older server
        if path and os.access(path, os.X_OK):
            line = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
            found = re.search(r"(\d+)\.", line)
            if found and int(found.group(1)) > major:
                return path, line.strip()
    raise SystemExit(f"no pg_dump for server {major} found; tried: {'; '.join(seen) or '-'}")


SKIPPED = re.compile(r"^(--|SET |SELECT pg_catalog\.set_config|\\restrict|\\unrestrict)")


def dump(pg_dump: str, url: str) -> list[str]:
    """The schema dump, without what varies between two databases of the same schema."""
    out = subprocess.run(
        [pg_dump, "--schema-only", "--no-owner", "--no-privileges", "-d", url],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {out.stderr.strip()}")
    return [line for line in out.stdout.splitlines() if line.strip() and not SKIPPED.match(line)]


def dump_difference(after: list[str], wanted: list[str], limit: int = 40) -> str:
    """What the dumps of A after and B differ in, shortly."""
    note = (
        "same lines in another order (a column's place, say)\n" if reordered(after, wanted) else ""
    )
    lines = list(difflib.unified_diff(after, wanted, "A after", "B", lineterm="", n=1))
    more = f"\n... {len(lines) - limit} more lines" if len(lines) > limit else ""
    return note + "\n".join(lines[:limit]) + more


def reordered(after: list[str], wanted: list[str]) -> bool:
    """The same lines in another order, a list's trailing commas aside."""
    return sorted(x.rstrip(",") for x in after) == sorted(x.rstrip(",") for x in wanted)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


# -- applying ----------------------------------------------------------------------------


def apply(url: str, statements: list[str]) -> bool:
    """Run the statements on A in one transaction; one at a time outside one if the server
    refuses a statement in a transaction block. True when applied outside a transaction.
    Raises Rejected with the first error."""
    options = "-c lock_timeout=30s -c statement_timeout=300s"
    with psycopg.connect(url, options=options) as conn:
        try:
            for text in statements:
                conn.execute(text.encode())
            conn.commit()
            return False
        except psycopg.Error as exc:
            conn.rollback()
            if exc.sqlstate not in OUTSIDE_A_TRANSACTION:
                raise Rejected(f"{short(text)}\n-> {first_line(exc)}") from exc
    with psycopg.connect(url, options=options, autocommit=True) as conn:
        for text in statements:
            try:
                conn.execute(text.encode())
            except psycopg.Error as exc:
                raise Rejected(
                    f"(statement by statement) {short(text)}\n-> {first_line(exc)}"
                ) from exc
    return True


def short(statement: str, width: int = 160) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


# -- the tools ---------------------------------------------------------------------------


class Tool(NamedTuple):
    """What the judge needs of a tool: its SQL from A to B, as statements, and whether it
    says no difference, and whether it says it cannot write what it found."""

    # (a_url, b_url) -> (script text, statements to apply, said no difference, cannot)
    first: Callable[[str, str], tuple[str, list[str], bool, bool]]
    # (a_url, b_url) -> the second diff's text, "" when empty
    second: Callable[[str, str], str]


def pgshift_tool() -> Tool:
    from pgshift.schema.introspect import inspect
    from pgshift.schema.sql import diff_script

    def model(url: str) -> Any:
        with psycopg.connect(url, autocommit=True) as conn:
            return inspect(conn)

    def first(a: str, b: str) -> tuple[str, list[str], bool, bool]:
        script = diff_script(model(a), model(b), allow_destructive=True)
        cannot = bool(script.unwritten)
        return script.sql, [s.sql for s in script.steps], script.empty, cannot

    def second(a: str, b: str) -> str:
        # what it said it cannot write it says again: converged when no step is left
        script = diff_script(model(a), model(b), allow_destructive=True)
        return "" if not script.steps else script.sql

    return Tool(first, second)


def migra_tool() -> Tool:
    import pglast
    from migra import Migration
    from sqlalchemy.pool import NullPool
    from sqlbag import S

    def diff(a: str, b: str) -> str:
        # NullPool: sqlbag keeps an engine per URL; pooled connections would stay open
        with S(as_url(a), poolclass=NullPool) as sa, S(as_url(b), poolclass=NullPool) as sb:
            m = Migration(sa, sb)
            m.set_safety(False)
            m.add_all_changes()
            return str(m.sql)

    def split(text: str) -> list[str]:
        for with_parser in (True, False):
            try:
                return [str(s) for s in pglast.split(text, with_parser=with_parser)]
            except Exception:  # the scanner, then the text whole
                continue
        return [text]

    def first(a: str, b: str) -> tuple[str, list[str], bool, bool]:
        text = diff(a, b)
        empty = not text.strip()
        return text, [] if empty else split(text), empty, False

    def second(a: str, b: str) -> str:
        text = diff(a, b)
        return text if text.strip() else ""

    return Tool(first, second)


def migra_available() -> str:
    """'' when migra can be used, else why not."""
    try:
        import migra  # noqa: F401
        import psycopg2  # noqa: F401
        import sqlalchemy  # noqa: F401
        import sqlbag  # noqa: F401
    except Exception as exc:
        return f"{first_line(exc)}; pip install migra psycopg2-binary"
    return ""


# -- one case ----------------------------------------------------------------------------


@contextmanager
def databases(admin: str, tool: str) -> Iterator[tuple[str, str]]:
    made: list[str] = []
    try:
        name_a, a = create_db(admin, tool[:2] + "a")
        made.append(name_a)
        name_b, b = create_db(admin, tool[:2] + "b")
        made.append(name_b)
        yield a, b
    finally:
        for name in made:
            drop_db(admin, name)


def judge(admin: str, pg_dump: str, folder: Path, name: str, make: Callable[[], Tool]) -> Outcome:
    case = folder.name
    with databases(admin, name) as (a, b):
        try:
            load(a, folder / "a.sql")
            load(b, folder / "b.sql")
        except psycopg.Error as exc:
            return Outcome(case, name, "not runnable", first_line(exc))
        wanted = dump(pg_dump, b)
        before = dump(pg_dump, a)
        differ = before != wanted
        base = {"runnable": True, "dumps_differ_before": differ}
        try:
            tool = make()
            script, statements, said_none, cannot = tool.first(a, b)
        except Exception as exc:
            return Outcome(case, name, "tool error", first_line(exc), **base)
        base |= {"said_none": said_none, "cannot": cannot, "script": script}
        one_by_one = False
        if statements:
            try:
                one_by_one = apply(a, statements)
            except Rejected as exc:
                reason = str(exc)
                return Outcome(
                    case, name, "SQL rejected", reason.splitlines()[-1], rejected=True,
                    details=reason, **base,
                )  # fmt: skip
        try:
            left = tool.second(a, b)
        except Exception as exc:
            return Outcome(case, name, "tool error", f"second diff: {first_line(exc)}", **base)
        after = dump(pg_dump, a)
        converged, identical = not left, after == wanted
        details = []
        if left:
            details.append("second diff:\n" + left.rstrip())
        if not identical:
            details.append("dump difference:\n" + dump_difference(after, wanted))
        if said_none and differ:
            label, reason = "silent", "no difference said; the dumps differ"
        elif cannot and not identical:
            label, reason = "said it cannot", first_unwritten(script)
        elif converged and identical:
            label, reason = "pass", ""
        elif identical:
            label, reason = "not converged", "second diff: " + short(left, 120)
        elif converged:
            label, reason = "dumps differ", first_change(after, wanted)
        else:
            label = "not converged, dumps differ"
            reason = "second diff: " + short(left, 120)
        return Outcome(
            case, name, label, reason, converged=converged, identical=identical,
            one_by_one=one_by_one, details="\n".join(details), **base,
        )  # fmt: skip


def first_unwritten(script: str) -> str:
    lines = [line for line in script.splitlines() if line.startswith("-- not written")]
    return lines[0] if lines else ""


def first_change(after: list[str], wanted: list[str]) -> str:
    if reordered(after, wanted):
        return "same lines in another order (a column's place, say)"
    gone = [line for line in after if line not in wanted]
    new = [line for line in wanted if line not in after]
    parts = ([f"A has {short(gone[0], 70)!r}"] if gone else []) + (
        [f"B has {short(new[0], 70)!r}"] if new else []
    )
    return "; ".join(parts)


def run_case(admin: str, pg_dump: str, folder: str, tools: tuple[str, ...]) -> list[Outcome]:
    makers = {"pgshift": pgshift_tool, "migra": migra_tool}
    return [judge(admin, pg_dump, Path(folder), name, makers[name]) for name in tools]


# -- the report --------------------------------------------------------------------------


ROWS: list[tuple[str, Callable[[Outcome], bool]]] = [
    ("cases", lambda o: True),
    ("runnable", lambda o: o.runnable),
    ("tool error", lambda o: o.label == "tool error"),
    ("SQL rejected", lambda o: o.rejected),
    ("applied outside a transaction", lambda o: o.one_by_one),
    ("said it cannot (pgshift)", lambda o: o.label == "said it cannot"),
    ("converged (own second diff empty)", lambda o: o.converged),
    ("identical (dumps equal)", lambda o: o.identical),
    ("pass (converged and identical)", lambda o: o.label == "pass"),
    ('silent "no difference"', lambda o: o.label == "silent"),
]


def report(results: dict[str, dict[str, Outcome]], tools: tuple[str, ...], show: bool) -> None:
    names = sorted(results)
    width = 38
    print(f"\n{'':{width}}" + "".join(f"{t:>10}" for t in tools))
    for label, test in ROWS:
        counts = [sum(1 for n in names if test(results[n][t])) for t in tools]
        print(f"{label:{width}}" + "".join(f"{c:>10}" for c in counts))
    first = [results[n][tools[0]] for n in names]
    same = [o.case for o in first if o.runnable and not o.dumps_differ_before]
    if same:
        print(
            f"\n{len(same)} runnable case(s) whose a and b dump the same (--no-owner, "
            "--no-privileges): there only the second diff judges:"
        )
        print(textwrap.fill(", ".join(same), 100, initial_indent="  ", subsequent_indent="  "))

    for tool in tools:
        failed: dict[str, list[Outcome]] = defaultdict(list)
        for n in names:
            outcome = results[n][tool]
            if outcome.label != "pass":
                failed[outcome.label].append(outcome)
        outside = [n for n in names if results[n][tool].one_by_one]
        if outside:
            print(f"\n{tool}: applied outside a transaction: {', '.join(outside)}")
        print(f"\n{tool}: {sum(len(v) for v in failed.values())} case(s) not passed")
        for label in sorted(failed, key=lambda k: (-len(failed[k]), k)):
            print(f"  {label} ({len(failed[label])}):")
            for outcome in failed[label]:
                print(
                    f"    {outcome.case}: {outcome.reason}"
                    if outcome.reason
                    else f"    {outcome.case}"
                )

    if len(tools) < 2:
        return
    differing = [n for n in names if len({results[n][t].label for t in tools}) > 1]
    print(f"\noutcomes differ in {len(differing)} case(s):")
    for n in differing:
        print(f"  {n}: " + "; ".join(f"{t} {results[n][t].label}" for t in tools))
        if show:
            for t in tools:
                outcome = results[n][t]
                print(f"    -- {t}: {outcome.label}")
                if outcome.script.strip():
                    print(textwrap.indent("script:\n" + outcome.script.rstrip(), "      "))
                if outcome.details:
                    print(textwrap.indent(outcome.details, "      "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="a folder of cases: subfolders with a.sql, b.sql")
    parser.add_argument(
        "--url",
        default=os.environ.get("PGSHIFT_TEST_URL") or DEFAULT_URL,
        help="admin URL of the server (default: PGSHIFT_TEST_URL, else the local server)",
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these cases only")
    parser.add_argument("--jobs", type=int, default=2, help="cases in parallel (default 2)")
    parser.add_argument("--show", action="store_true", help="details of the differing cases")
    args = parser.parse_args()

    folders = sorted(
        p for p in args.dir.iterdir() if (p / "a.sql").is_file() and (p / "b.sql").is_file()
    )
    if args.only:
        unknown = set(args.only) - {p.name for p in folders}
        if unknown:
            raise SystemExit(f"no such case(s): {', '.join(sorted(unknown))}")
        folders = [p for p in folders if p.name in args.only]
    if not folders:
        raise SystemExit(f"no cases (subfolders with a.sql and b.sql) in {args.dir}")

    pg_dump, pg_dump_version = find_pg_dump(args.url)
    with psycopg.connect(args.url) as conn:
        server = conn.execute("SHOW server_version").fetchone()
    tools: tuple[str, ...] = TOOLS
    why = migra_available()
    if why:
        print(f"migra: not available ({why})")
        tools = ("pgshift",)
    print(
        f"{len(folders)} case(s) in {args.dir}; server {server[0] if server else '?'}; "
        f"{pg_dump_version} ({pg_dump})"
    )

    results: dict[str, dict[str, Outcome]] = {}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_case, args.url, pg_dump, str(p), tools): p.name for p in folders}
        for done, future in enumerate(as_completed(futures), 1):
            outcomes = future.result()
            results[futures[future]] = {o.tool: o for o in outcomes}
            labels = ", ".join(f"{o.tool} {o.label}" for o in outcomes)
            print(f"[{done}/{len(folders)}] {futures[future]}: {labels}", file=sys.stderr)
    print(f"({time.perf_counter() - started:.0f} s)")
    report(results, tools, args.show)


if __name__ == "__main__":
    main()
