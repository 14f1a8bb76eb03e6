"""The :class:`Migration` value and what every layout reader shares: versions, text, checksums.

Nothing here reads a directory (that is :mod:`pgshift.migrations.discovery` and the layout
readers of :mod:`pgshift.migrations.layouts`) or touches a database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pgshift.errors import DiscoveryError
from pgshift.migrations.sections import Directives, Section

if TYPE_CHECKING:  # importlib.resources pulls tempfile, shutil, bz2, lzma: 3 ms
    from importlib.resources.abc import Traversable

Kind = Literal["versioned", "repeatable"]
Language = Literal["sql", "python"]

# Layouts of other tools: their files may be empty (a step only another database needs),
# and where the tool would run a statement outside a transaction, pgshift does too.
FOREIGN_LAYOUTS = frozenset(
    {"flyway", "golang-migrate", "dbmate", "diesel", "prisma", "popx", "postgres-migrations"}
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
    title: str = ""  # the name a user knows, when it is not the file's (a folder's name)
    note: str = ""  # said once when it runs: how pgshift reads the original tool's intent
    down_transaction: bool | None = None  # None: as the up part
    # A Flyway baseline migration (B1__x.sql): on a database without history the newest
    # one runs instead of the versioned migrations up to its version; otherwise never.
    baseline: bool = False

    @property
    def name(self) -> str:
        """A short, human name: the file's, or for a folder layout the folder's."""
        return self.title or self.path.name

    @property
    def label(self) -> str:
        """``version slug`` for versioned migrations, ``R__slug`` for repeatables."""
        return f"{self.version} {self.slug}" if self.version is not None else f"R__{self.slug}"

    @property
    def foreign(self) -> bool:
        """Whether it was written for another tool, and is run as that tool would."""
        return self.layout in FOREIGN_LAYOUTS

    @property
    def reverts_in_transaction(self) -> bool:
        """Whether the down part runs in a transaction."""
        if self.down_transaction is None:
            return self.directives.transaction
        return self.down_transaction


def version_key(version: str) -> tuple[int, ...]:
    """Versions compare as integers, part by part: ``0010`` > ``9``, ``1.10`` > ``1.9``,
    and diesel's ``2019-02-26-002946`` as its parts (2019, 2, 26, 2946)."""
    return tuple(int(part) for part in re.split(r"[.\-]", version))


def canonical_version(text: str) -> str:
    """``0001`` -> ``1``; Flyway's ``1_2`` or ``1.2`` -> ``1.2``; a dashed version as it is."""
    if "-" in text:
        return text
    return ".".join(str(int(part)) for part in re.split(r"[._]", text))


def read_text(path: Path | Traversable) -> str:
    """The file's text: UTF-8, BOM dropped, line endings normalised to ``\\n``.

    A NUL byte is refused: PostgreSQL's parser stops at it, so whatever follows would
    be silently dropped.
    """
    try:
        if isinstance(path, Path):
            # open() of the path: Path.read_bytes costs a third more per file, in a
            # directory of 1,000 read at every start
            with open(path, "rb") as handle:
                data = handle.read()
        else:
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
    nul = data.find(b"\0")
    if nul != -1:
        line = data[:nul].count(b"\n") + 1
        raise DiscoveryError(
            f"{path}:{line}: the file holds a NUL byte (0x00); nothing after it would reach "
            "the server, so nothing of the file was run.",
            "Remove the byte (a binary file saved as SQL, or a bad copy?): for example "
            f"tr -d '\\000' < {Path(str(path)).name}",
            path=Path(str(path)),
            line=line,
        )
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


def digest(*parts: str) -> str:
    """SHA-256 of the parts (a file, or an up file and its down file), as hex."""
    sha = hashlib.sha256()
    for i, part in enumerate(parts):
        if i:
            sha.update(b"\0")
        sha.update(part.encode("utf-8"))
    return sha.hexdigest()
