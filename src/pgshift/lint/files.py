"""Linting migration files: which files, with which options, through the cache."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgshift.errors import ConfigError
from pgshift.lint.engine import LintOptions, check_rule_ids, lint_migration, sort_findings
from pgshift.lint.model import PARSE_ERROR, Finding, Severity

if TYPE_CHECKING:
    from pgshift.config import Settings
    from pgshift.errors import SqlError
    from pgshift.events import EventHandler
    from pgshift.migrations.discovery import Migration


def options_from(
    settings: Settings,
    *,
    pg_version: int | None = None,
    estimates: Mapping[str, int] | None = None,
) -> LintOptions:
    """Lint options from the settings (rule ids checked), the server and the flags."""
    where = str(settings.config_file or "settings")
    if settings.lint_disable:  # the check loads every rule: not on a cached run without need
        check_rule_ids(settings.lint_disable, f"{where}: lint_disable")
    if settings.lint_enable:
        check_rule_ids(settings.lint_enable, f"{where}: lint_enable")
    if settings.lint_severity:
        check_rule_ids((rule for rule, _ in settings.lint_severity), f"{where}: lint_severity")
    return LintOptions(
        pg_version=pg_version if pg_version is not None else settings.pg_version,
        estimates=estimates,
        # the lock_timeout `pgshift migrate` sets for every migration: 5 s unless turned
        # off, with or without a pgshift.toml (missing-lock-timeout's doc says so)
        lock_timeout=settings.lock_timeout is not None,
        statement_timeout=settings.statement_timeout is not None,
        disabled=frozenset(settings.lint_disable),
        enabled=frozenset(settings.lint_enable),
        levels={rule: Severity(level) for rule, level in settings.lint_severity},
    )


def collect(
    paths: Iterable[Path], layout: str = "auto", dialect: str = "postgres"
) -> tuple[Migration, ...]:
    """The migrations named by ``paths``: a folder is read as a migrations directory (by
    ``layout``), a file as the migration it is in its directory (so another tool's file
    is linted as that tool runs it), else as a migration of its own (``.py`` files are
    skipped: they cannot be linted)."""
    from pgshift.migrations.discovery import discover, sql_file

    found: list[Migration] = []
    for path in paths:
        if path.is_dir():
            found.extend(m for m in discover(path, layout, dialect) if m.language == "sql")
        elif path.suffix == ".py":
            continue
        elif path.is_file():
            found.append(_in_directory(path, layout, dialect) or sql_file(path))
        else:
            raise ConfigError(
                f"{path}: no such file or directory.",
                "Name migration files or directories to lint, or none for the pending ones.",
            )
    return tuple(found)


def _in_directory(path: Path, layout: str, dialect: str) -> Migration | None:
    """The migration ``path`` is part of, read with its directory (or a folder layout's
    parent directory); None when that directory does not read as migrations."""
    from pgshift.errors import DiscoveryError
    from pgshift.migrations.discovery import discover

    target = path.resolve()
    for folder in (target.parent, target.parent.parent):
        try:
            migrations = discover(folder, layout, dialect)
        except DiscoveryError:
            continue
        for migration in migrations:
            parts = (migration.path, migration.down.path if migration.down else None)
            if target in parts and migration.language == "sql":
                return migration
    return None


def lint_migrations(
    migrations: Sequence[Migration], options: LintOptions, cache_file: Path | None = None
) -> list[Finding]:
    """Every finding of ``migrations`` (linted in order, each knowing what the ones before
    it did), sorted; unchanged files come from the cache. A file that cannot be read as
    SQL is a :data:`PARSE_ERROR` finding, and the others are linted all the same."""
    import hashlib

    from pgshift.errors import SqlError
    from pgshift.lint.cache import Cache
    from pgshift.lint.known import RunFacts
    from pgshift.migrations.statements import split

    # row estimates and live facts change under the files: findings made with them are
    # not kept
    live = options.estimates is not None or options.known is not None
    cache = Cache(cache_file, options) if cache_file and not live else None
    facts = RunFacts(migrations, options.known)
    findings: list[Finding] = []
    chain = hashlib.sha256()
    for index, migration in enumerate(migrations):
        key = str(migration.path)
        # a file's findings may depend on the files before it: an edit to one of them
        # is a new key for every file after it
        chain.update(migration.checksum.encode())
        checksum = chain.hexdigest()[:32]
        cached = cache.get(key, checksum) if cache else None
        if cached is None:
            try:
                statements = (
                    split(migration.up)
                    if migration.up is not None and migration.language == "sql"
                    else None
                )
                cached = lint_migration(migration, options, statements, facts.before(index))
                if statements is not None:
                    facts.linted(index, statements)
            except SqlError as exc:
                cached = [parse_error(migration, exc)]
            if cache:
                cache.put(key, checksum, cached)
        findings.extend(cached)
    if cache:
        cache.save()
    return sort_findings(findings)


def parse_error(migration: Migration, exc: SqlError) -> Finding:
    """The finding of a file that cannot be read as SQL: where, and the parser's words."""
    message, _, source = exc.message.partition("\n")
    where = f"{migration.path}:{exc.line}: " if exc.line else f"{migration.path}: "
    return Finding(
        rule=PARSE_ERROR,
        severity=Severity.ERROR,
        path=str(migration.path),
        line=exc.line or 1,
        column=1,
        message=message.removeprefix(where).removeprefix(f"{migration.path}: "),
        safe=exc.hint,
        statement=source.strip(),
    )


@dataclass(frozen=True, slots=True)
class LintResult:
    """The findings of a lint run, sorted by file and line."""

    findings: tuple[Finding, ...]
    files: int
    target: str | None = None  # the server asked for its version and row estimates

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error-level findings (data loss or a hard failure)."""
        return tuple(f for f in self.findings if f.severity == "error")


def lint_project(
    settings: Settings,
    targets: Sequence[Path],
    *,
    connect: bool,
    pg_version: int | None,
    cache: bool,
    on_event: EventHandler | None,
) -> LintResult:
    """Lint ``targets`` (files or folders) without a server unless ``connect``; with no
    targets, the pending migrations of the database. With a server, findings know its
    version and each table's row estimate."""
    from dataclasses import replace

    from pgshift.lint.cache import CACHE_FILE
    from pgshift.lint.known import from_database
    from pgshift.migrations.discovery import project_migrations
    from pgshift.migrations.session import open_session, status_of

    cache_file = settings.project_dir / CACHE_FILE if cache else None
    if targets and not connect:
        migrations = collect(targets, settings.layout, settings.dialect)
        options = options_from(settings, pg_version=pg_version)
        found = lint_migrations(migrations, options, cache_file)
        return LintResult(tuple(found), len(migrations))
    with open_session(settings, write=False, on_event=on_event) as session:
        if targets:
            migrations = collect(targets, settings.layout, settings.dialect)
        else:
            status = status_of(session, project_migrations(settings).migrations)
            migrations = tuple(
                e.migration
                for e in status.pending
                if e.migration is not None and e.migration.language == "sql"
            )
        rows = session.conn.execute(
            "SELECT n.nspname || '.' || c.relname, c.reltuples::bigint "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0 "
            "AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
        ).fetchall()
        options = replace(
            options_from(
                settings,
                pg_version=pg_version or session.conn.info.server_version // 10000,
                estimates={name: int(estimate) for name, estimate in rows},
            ),
            known=from_database(session.conn),
        )
        found = lint_migrations(migrations, options, cache_file)
        return LintResult(tuple(found), len(migrations), session.target)
