"""``pgshift generate``: the declarative workflow, edit one schema file and get the next
migration written, with its down part, already in its zero-downtime form.

The schema the migrations make now (replayed on a scratch database) is diffed
against the schema file (loaded into another); the steps go through ``fix``,
which may split them into several migrations (an index built CONCURRENTLY needs
one of its own). Each part is then applied on the scratch database to compute
its down part (the diff back) and, at the end, to check that the migrations now
make exactly the schema of the file. Only then are the files written.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pgshift.config import Settings, settings_for
from pgshift.errors import PgshiftError
from pgshift.events import Event, EventHandler, emit
from pgshift.migrations.discovery import Migration, discover, project_migrations
from pgshift.online.fix import Part
from pgshift.schema.compare import compare
from pgshift.schema.model import Schema
from pgshift.schema.sql import DiffScript, Step, diff_script
from pgshift.workflows.replay import scratch_replay

# which lint rule a destructive step trips, to acknowledge it when destruction was asked for
_ALLOW = (
    (re.compile(r"^DROP TABLE", re.I), "drop-table"),
    (re.compile(r"^ALTER TABLE .* DROP COLUMN", re.I | re.S), "drop-column"),
    (re.compile(r"^DROP SCHEMA", re.I), "drop-schema-or-database"),
    (re.compile(r"^ALTER TABLE .* ALTER COLUMN .* TYPE", re.I | re.S), "narrowing-type-change"),
)


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """A migration file ``generate`` wrote (or would write)."""

    path: Path
    text: str
    steps: int


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """The migrations written to reach the schema file, or none when already there."""

    files: tuple[GeneratedFile, ...]
    script: DiffScript
    notes: tuple[str, ...] = ()


def _groups(steps: tuple[Step, ...]) -> list[tuple[bool, list[Step]]]:
    """Consecutive steps that can share a transaction, and those that cannot."""
    groups: list[tuple[bool, list[Step]]] = []
    for step in steps:
        if groups and groups[-1][0] == step.transactional:
            groups[-1][1].append(step)
        else:
            groups.append((step.transactional, [step]))
    return groups


def _parts(script: DiffScript, live: Schema) -> list[Part]:
    """The steps as migrations, each transactional group rewritten by ``fix``."""
    from pgshift.migrations.discovery import sql_file
    from pgshift.migrations.sections import Section
    from pgshift.migrations.statements import split
    from pgshift.online.fix import rewrite

    parts: list[Part] = []
    for transactional, steps in _groups(script.steps):
        text = "".join(s.sql.rstrip().rstrip(";") + ";\n" for s in steps)
        if not transactional:
            parts.extend(Part(False, [s.sql]) for s in steps)
            continue
        path = Path("generated.sql")
        result = rewrite(sql_file(path, text), split(Section(text, path)), lambda: live)
        if result.changed:
            parts.extend(result.parts)
        else:
            parts.append(Part(True, [s.sql for s in steps]))
    return parts


def _versions(folder: Path, count: int) -> list[str]:
    from pgshift.migrations.scaffold import next_version

    first = next_version(folder)
    if len(first) >= 14:  # a timestamp: one second apart
        return [str(int(first) + i) for i in range(count)]
    return [str(int(first) + i).zfill(len(first)) for i in range(count)]


def _allowances(part: Part) -> list[str]:
    rules = []
    for statement in part.statements:
        for pattern, rule in _ALLOW:
            if pattern.match(statement.strip()) and rule not in rules:
                rules.append(rule)
    return rules


def _render(part: Part, slug: str, index: int, total: int, down: str, allow: bool) -> str:
    header = [f"-- {slug}" + (f" (part {index} of {total})" if total > 1 else "")]
    header.append("-- written by pgshift generate from the schema file")
    rules = _allowances(part) if allow else []
    if rules:
        header.append("-- destroys data, as asked (--allow-destructive); backed up first")
    # directives go at the top of the file, above the part's own
    allows = "".join(f"-- pgshift:allow {rule}\n" for rule in rules)
    text = allows + part.render(header)
    if down.strip():
        text += "\n-- pgshift:down\n" + down
    return text


def generate(
    slug: str,
    schema_file: str | Path,
    *,
    settings: Settings | None = None,
    url: str | None = None,
    directory: str | Path | None = None,
    allow_destructive: bool = False,
    write: bool = True,
    on_event: EventHandler | None = None,
) -> GenerateResult:
    """Write the next migration(s) taking the migrations' schema to ``schema_file``'s.

    Raises :class:`~pgshift.schema.sql.DestructiveChange` when that would destroy data,
    unless ``allow_destructive``; :class:`PgshiftError` when the result would not
    equal the schema file (nothing is written then). ``write=False`` only returns
    the files.
    """
    from pgshift.workflows.diff import parse_source, read_schema

    settings = settings_for(settings, url, directory)
    folder = settings.migrations_dir
    clean = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")
    if not clean:
        raise PgshiftError(f"{slug!r} makes no file name.", "Use words, e.g.: add_posts")
    if not folder.is_dir():
        raise PgshiftError(
            f"migrations directory {folder} does not exist.", "Run 'pgshift init' first."
        )
    source = parse_source(str(schema_file))
    if source.kind != "file":
        raise PgshiftError(
            f"{schema_file}: generate reads the desired schema from a .sql file.",
            "Keep the whole schema in one file (pgshift dump writes a first one) and pass it.",
        )
    notes: list[str] = []

    def note(text: str) -> None:
        if text not in notes:
            notes.append(text)
            emit(on_event, Event("note", text))

    migrations = project_migrations(settings).fresh
    target = read_schema(source, settings, note)
    with scratch_replay(settings, note) as replay:
        for migration in migrations:
            replay.up(migration)
        current = replay.schema()
        script = diff_script(current, target, allow_destructive=allow_destructive)
        if script.empty:
            return GenerateResult((), script, tuple(notes))
        if not script.steps:
            shown = "\n".join(f"    {d.describe('migrations', 'wanted')}" for d in script.unwritten)
            raise PgshiftError(
                f"the schema differs from what the migrations make in ways pgshift cannot "
                f"write yet:\n{shown}",
                "Write this migration by hand; nothing was written.",
            )
        for difference in script.unwritten:  # the script is right otherwise: say what is left
            note(f"not written: {difference.describe('migrations', 'wanted')}")
        parts = _parts(script, current)
        versions = _versions(folder, len(parts))
        files: list[GeneratedFile] = []
        with tempfile.TemporaryDirectory() as tmp:
            before = current
            for index, (part, version) in enumerate(zip(parts, versions, strict=True), start=1):
                name = f"{version}_{clean}" + (f"_{index}" if index > 1 else "") + ".sql"
                up_only = _render(part, slug, index, len(parts), "", allow_destructive)
                path = Path(tmp) / name
                path.write_text(up_only)
                replay.up(_read(path))
                after = replay.schema()
                down = diff_script(after, before, allow_destructive=True).sql
                text = _render(part, slug, index, len(parts), down, allow_destructive)
                files.append(GeneratedFile(folder / name, text, len(part.statements)))
                before = after
            # a column the file wants mid-table is added at the end: said as a note below
            left = compare(target, before, column_order=False)
            if left:
                shown = "\n".join(
                    "    " + d.describe("the schema file", "the result") for d in left[:10]
                )
                raise PgshiftError(
                    f"the generated migrations would not make the schema of {schema_file} "
                    f"exactly; nothing was written. What would still differ:\n{shown}",
                    "This is a gap in pgshift's diff: write this change by hand (pgshift new), "
                    "and please report the case.",
                )
    if write:
        for file in files:
            if file.path.exists():
                raise PgshiftError(f"{file.path} already exists; nothing was written.")
        for file in files:
            file.path.write_text(file.text)
    return GenerateResult(tuple(files), script, tuple(notes))


def _read(path: Path) -> Migration:
    (migration,) = [m for m in discover(path.parent) if m.path.name == path.name]
    return migration
