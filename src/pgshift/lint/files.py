"""Linting migration files: which files, with which options, through the cache."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pgshift.errors import ConfigError
from pgshift.lint.engine import LintOptions, check_rule_ids, lint_migration, sort_findings
from pgshift.lint.model import Finding, Severity

if TYPE_CHECKING:
    from pgshift.config import Settings
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
    if settings.lint_severity:
        check_rule_ids((rule for rule, _ in settings.lint_severity), f"{where}: lint_severity")
    return LintOptions(
        pg_version=pg_version if pg_version is not None else settings.pg_version,
        estimates=estimates,
        lock_timeout=settings.lock_timeout is not None,
        statement_timeout=settings.statement_timeout is not None,
        disabled=frozenset(settings.lint_disable),
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
    """Every finding of ``migrations``, sorted; unchanged files come from the cache."""
    from pgshift.lint.cache import Cache

    # row estimates change under the files: findings made with them are not kept
    cache = Cache(cache_file, options) if cache_file and options.estimates is None else None
    findings: list[Finding] = []
    for migration in migrations:
        key = str(migration.path)
        cached = cache.get(key, migration.checksum) if cache else None
        if cached is None:
            cached = lint_migration(migration, options)
            if cache:
                cache.put(key, migration.checksum, cached)
        findings.extend(cached)
    if cache:
        cache.save()
    return sort_findings(findings)
