"""Migration files to :class:`Migration` values: names, versions, directives, checksums.

Layouts read as they are (so a team can switch without renaming anything):

=================  ==========================================================
pgshift            ``0001_slug.sql`` (``-- pgshift:down`` starts the down part),
                   ``0001_slug.py`` (``up(conn)``, ``down(conn)``), ``R__slug.sql``
Flyway             ``V1__slug.sql``, ``V1.2__slug.sql``, ``U1__slug.sql`` (undo), ``R__slug.sql``
golang-migrate     ``1_slug.up.sql`` + ``1_slug.down.sql``
dbmate             ``20240101120000_slug.sql`` with ``-- migrate:up`` / ``-- migrate:down``
folder per version ``0001_slug/up.sql`` + ``down.sql``, or ``0001_slug/migration.sql``
=================  ==========================================================

Files whose names start with ``.`` or ``_`` and files that are neither ``.sql`` nor
``.py`` (a README, ``atlas.sum``, ``migration_lock.toml``) are ignored.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from pgshift.errors import DiscoveryError
from pgshift.sections import (
    DBMATE_UP,
    Directives,
    Section,
    is_blank_or_comment,
    python_shape,
    require_content,
    split_dbmate_sql,
    split_pgshift_sql,
)

Kind = Literal["versioned", "repeatable"]
Language = Literal["sql", "python"]

_NATIVE = re.compile(r"^(\d+)_(.+)\.(sql|py)$")
_GOLANG = re.compile(r"^(\d+)_(.+)\.(up|down)\.sql$")
_FLYWAY = re.compile(r"^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$")
_REPEATABLE = re.compile(r"^R__(.+)\.(sql)$")
_FOLDER = re.compile(r"^(\d+)_(.+)$")
NAME_HINT = (
    "Name versioned migrations <version>_<slug>.sql or .py (for example "
    "0003_add_posts.sql) and repeatable ones R__<slug>.sql."
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration as found on disk; nothing here touches a database."""

    version: str | None
    slug: str
    kind: Kind
    path: Path
    language: Language
    checksum: str
    layout: str
    up: Section | None = None
    down: Section | None = None
    has_down: bool = False
    directives: Directives = field(default_factory=Directives)
    sort_key: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        """A short, human name: the file (or folder) name."""
        return self.path.name

    @property
    def label(self) -> str:
        """``version slug`` for versioned migrations, ``R__slug`` for repeatables."""
        return f"{self.version} {self.slug}" if self.version is not None else f"R__{self.slug}"


def version_key(version: str) -> tuple[int, ...]:
    """Versions compare as integers, part by part: ``0010`` > ``9``, ``1.10`` > ``1.9``."""
    return tuple(int(part) for part in version.split("."))


def canonical_version(text: str) -> str:
    """``0001`` -> ``1``; Flyway's ``1_2`` or ``1.2`` -> ``1.2``."""
    return ".".join(str(int(part)) for part in re.split(r"[._]", text))


def read_text(path: Path | Traversable) -> str:
    """The file's text: UTF-8, BOM dropped, line endings normalised to ``\\n``."""
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise DiscoveryError(f"{path} is a directory, not a file.", path=Path(str(path))) from exc
    except FileNotFoundError as exc:
        raise DiscoveryError(
            f"{path} cannot be read: it does not exist (a broken link?).",
            "Remove the link or point it at the migration file.",
            path=Path(str(path)),
        ) from exc
    except OSError as exc:
        raise DiscoveryError(
            f"{path} cannot be read: {exc.strerror}.",
            "Check the file's permissions.",
            path=Path(str(path)),
        ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DiscoveryError(
            f"{path}:{line}: the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}).",
            "Save the file as UTF-8.",
            path=Path(str(path)),
            line=line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _digest(*parts: str) -> str:
    sha = hashlib.sha256()
    for i, part in enumerate(parts):
        if i:
            sha.update(b"\0")
        sha.update(part.encode("utf-8"))
    return sha.hexdigest()


def _bad_name(path: Path) -> DiscoveryError:
    return DiscoveryError(f"{path}: file name does not name a migration.", NAME_HINT, path=path)


def _sql_migration(version: str | None, slug: str, path: Path, text: str, layout: str) -> Migration:
    lowered = text.lower()
    if "pgshift:" not in lowered and "migrate:" not in lowered:
        up, down, directives = Section(text, path, 1), None, Directives()
    elif DBMATE_UP.search(text):
        up, down, directives = split_dbmate_sql(path, text)
        layout = "dbmate"
    else:
        up, down, directives = split_pgshift_sql(path, text)
    require_content(up, "up")
    has_down = down is not None and not all(is_blank_or_comment(x) for x in down.sql.splitlines())
    return Migration(
        version=version,
        slug=slug,
        kind="versioned" if version is not None else "repeatable",
        path=path,
        language="sql",
        checksum=_digest(text),
        layout=layout,
        up=up,
        down=down if has_down else None,
        has_down=has_down,
        directives=directives,
        sort_key=version_key(version) if version is not None else (),
    )


def _pair(
    version: str,
    slug: str,
    up_path: Path,
    down_path: Path | None,
    layout: str,
) -> Migration:
    up_text = read_text(up_path)
    up, _, directives = split_pgshift_sql(up_path, up_text)
    require_content(up, "up")
    down: Section | None = None
    parts = [up_text]
    if down_path is not None:
        down_text = read_text(down_path)
        parts.append(down_text)
        if not all(is_blank_or_comment(x) for x in down_text.splitlines()):
            down = Section(down_text, down_path, 1)
    return Migration(
        version=version,
        slug=slug,
        kind="versioned",
        path=up_path,
        language="sql",
        checksum=_digest(*parts),
        layout=layout,
        up=up,
        down=down,
        has_down=down is not None,
        directives=directives,
        sort_key=version_key(version),
    )


def _folder(path: Path, version: str, slug: str) -> Migration:
    if (path / "up.sql").is_file():
        down = path / "down.sql"
        return _pair(version, slug, path / "up.sql", down if down.is_file() else None, "folder")
    if (path / "migration.sql").is_file():
        text = read_text(path / "migration.sql")
        return _sql_migration(version, slug, path / "migration.sql", text, "folder")
    raise DiscoveryError(
        f"{path}: folder has neither up.sql nor migration.sql.",
        "A folder migration holds up.sql (and optionally down.sql), or migration.sql.",
        path=path,
    )


def _entries(directory: Path) -> Iterable[tuple[Path, bool]]:
    """``(path, is_dir)`` of each entry, by name; dot and underscore names skipped."""
    with os.scandir(directory) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        yield directory / entry.name, entry.is_dir()


def discover(directory: Path) -> tuple[Migration, ...]:
    """Every migration in ``directory``: versioned ones by version, then repeatables by name.

    Raises :class:`DiscoveryError` for a bad name, a duplicate version, an unknown
    directive, an empty or non-UTF-8 file: nothing is returned half-read.
    """
    if not directory.is_dir():
        raise DiscoveryError(
            f"migrations directory {directory} does not exist.",
            "Run 'pgshift init' to create it, or point --dir / PGSHIFT_MIGRATIONS at it.",
            path=directory,
        )
    found: list[Migration] = []
    golang: dict[str, dict[str, Path]] = {}
    flyway_undo: dict[str, Path] = {}
    for entry, is_dir in _entries(directory):
        name = entry.name
        if is_dir:
            match = _FOLDER.match(name)
            if match is None:
                raise DiscoveryError(
                    f"{entry}: folder name does not name a migration.",
                    "Name folder migrations <version>_<slug>/ holding up.sql or migration.sql.",
                    path=entry,
                )
            found.append(_folder(entry, canonical_version(match.group(1)), match.group(2)))
            continue
        if not name.endswith((".sql", ".py")):
            continue
        if match := _GOLANG.match(name):
            key = f"{canonical_version(match.group(1))}\0{match.group(2)}"
            golang.setdefault(key, {})[match.group(3)] = entry
        elif match := _FLYWAY.match(name):
            version = canonical_version(match.group(2))
            if match.group(1) == "U":
                flyway_undo[version] = entry
            else:
                text = read_text(entry)
                found.append(_sql_migration(version, match.group(3), entry, text, "flyway"))
        elif match := _REPEATABLE.match(name):
            text = read_text(entry)
            found.append(_sql_migration(None, match.group(1), entry, text, "repeatable"))
        elif match := _NATIVE.match(name):
            version = canonical_version(match.group(1))
            text = read_text(entry)
            if match.group(3) == "py":
                has_down, directives = python_shape(entry, text)
                found.append(
                    Migration(
                        version=version,
                        slug=match.group(2),
                        kind="versioned",
                        path=entry,
                        language="python",
                        checksum=_digest(text),
                        layout="pgshift",
                        has_down=has_down,
                        directives=directives,
                        sort_key=version_key(version),
                    )
                )
            else:
                found.append(_sql_migration(version, match.group(2), entry, text, "pgshift"))
        else:
            raise _bad_name(entry)

    for key, files in golang.items():
        version, slug = key.split("\0")
        if "up" not in files:
            raise DiscoveryError(
                f"{files['down']}: a down file without its up file.",
                f"Add {version}_{slug}.up.sql or remove the down file.",
                path=files["down"],
            )
        found.append(_pair(version, slug, files["up"], files.get("down"), "golang-migrate"))

    by_version: dict[str, list[Migration]] = {}
    for migration in found:
        if migration.version is not None:
            by_version.setdefault(migration.version, []).append(migration)
    for version, undo in flyway_undo.items():
        targets = by_version.get(version)
        if not targets:
            raise DiscoveryError(
                f"{undo}: an undo file for version {version}, which has no V file.",
                "Add the V file or remove the undo file.",
                path=undo,
            )
        target = targets[0]
        text = read_text(undo)
        index = found.index(target)
        found[index] = Migration(
            version=target.version,
            slug=target.slug,
            kind=target.kind,
            path=target.path,
            language=target.language,
            checksum=_digest(read_text(target.path), text),
            layout=target.layout,
            up=target.up,
            down=Section(text, undo, 1),
            has_down=True,
            directives=target.directives,
            sort_key=target.sort_key,
        )
    for version, group in by_version.items():
        if len(group) > 1:
            names = ", ".join(str(m.path) for m in group)
            raise DiscoveryError(
                f"two migrations have version {version}: {names}.",
                "Give one of them the next free version number.",
                path=group[0].path,
            )
    repeatables: dict[str, Migration] = {}
    for migration in found:
        if migration.kind == "repeatable":
            if migration.slug in repeatables:
                raise DiscoveryError(
                    f"two repeatable migrations are named {migration.slug}.",
                    "Rename one of them.",
                    path=migration.path,
                )
            repeatables[migration.slug] = migration
    versioned = sorted((m for m in found if m.kind == "versioned"), key=lambda m: m.sort_key)
    return (*versioned, *sorted(repeatables.values(), key=lambda m: m.slug))


def sql_file(path: Path, text: str | None = None) -> Migration:
    """Any ``.sql`` file (or ``text`` said to come from it) read as a migration, with its
    directives, up and down parts, whatever its name: what ``pgshift lint FILE`` reads."""
    return _sql_migration(None, path.stem, path, read_text(path) if text is None else text, "file")
