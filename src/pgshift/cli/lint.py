"""``pgshift lint``: the linter's command, and its list and pages of the rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pgshift.cli._common import EXIT_FINDINGS, EXIT_OK, fail, options, settings_from


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts, github for Actions annotations, sarif for "
    "code scanning.",
)
@click.option(
    "--pg-version",
    type=int,
    metavar="MAJOR",
    help="The target server's major version (default: the server's, or pg_version).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@click.option(
    "--no-cache", is_flag=True, help="Lint every file again (no .pgshift/lint-cache.json)."
)
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
@click.option(
    "--fix",
    "fix_files",
    is_flag=True,
    help="First rewrite the named files the safe way (as 'pgshift fix --write'), then lint.",
)
@click.option(
    "--write-docs",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write a Markdown page per rule into DIR (docs/rules) and exit.",
)
@options
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    pg_version: int | None,
    fail_on: str,
    no_cache: bool,
    list_rules: bool,
    fix_files: bool,
    write_docs: Path | None,
    **opts: Any,
) -> None:
    """Find unsafe SQL in migrations before it runs: PATHs (files or folders) without a
    server, or, with none, the pending migrations of the database (knowing its version
    and each table's size). Exit 1 on an error-level finding."""
    if list_rules or write_docs:
        _rules(write_docs)
        return
    from pgshift.lint.model import Severity
    from pgshift.lint.report import render

    if fix_files:
        from pgshift.cli._shared_fix import apply_fixes

        targets = tuple(p for p in paths if p.is_file())
        apply_fixes(targets, True, opts.get("debug", False), opts.get("url"))
        paths = tuple(p.parent if p.is_file() else p for p in paths)  # the new parts too
    try:
        settings = settings_from(opts)
        if paths and not opts.get("url"):
            # no server: the fast path, which never loads the database driver
            from pgshift.lint.cache import CACHE_FILE
            from pgshift.lint.files import collect, lint_migrations, options_from

            migrations = collect(paths, settings.layout, settings.dialect)
            options = options_from(settings, pg_version=pg_version)
            cache = None if no_cache else settings.project_dir / CACHE_FILE
            findings, files = lint_migrations(migrations, options, cache), len(migrations)
        else:
            from pgshift.api import lint as run_lint

            result = run_lint(paths, settings=settings, pg_version=pg_version, cache=not no_cache)
            findings, files = list(result.findings), result.files
    except Exception as exc:
        fail(exc, opts.get("debug", False))
    click.echo(render(output_format, findings, files), nl=False)
    threshold = Severity(fail_on).rank
    sys.exit(EXIT_FINDINGS if any(f.severity.rank <= threshold for f in findings) else EXIT_OK)


def _rules(docs: Path | None) -> None:
    from pgshift.lint.model import GROUPS
    from pgshift.lint.ruledocs import index, page
    from pgshift.lint.rules import RULES

    if docs is None:
        for group, title in GROUPS.items():
            click.echo(title)
            for rule in (r for r in RULES if r.group == group):
                off = "" if rule.enabled_by_default else " (off unless lint_enable names it)"
                click.echo(f"  {rule.id:40} {rule.severity.value:8} {rule.summary}{off}")
        return
    try:
        docs.mkdir(parents=True, exist_ok=True)
        for rule in RULES:
            (docs / f"{rule.id}.md").write_text(
                page(
                    rule.id,
                    GROUPS[rule.group],
                    rule.severity.value,
                    rule.doc,
                    rule.enabled_by_default,
                )
            )
        (docs / "README.md").write_text(index(RULES))
    except OSError as exc:
        fail(exc, False)
    click.echo(f"wrote {len(RULES) + 1} pages into {docs}")


__all__ = ["lint"]
