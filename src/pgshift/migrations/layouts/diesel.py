"""diesel: a folder per migration, ``2019-02-26-002946_slug/`` with ``up.sql`` and ``down.sql``.

The version is the part of the folder's name before the first ``_`` (also
``2019-02-26-002946-0001`` and diesel's ``00000000000000_diesel_initial_setup``), in
diesel's order (the versions without their dashes, compared as text), which is the
order of the version's parts as integers. Each migration
runs in a transaction unless it has a ``metadata.toml`` that does not say
``run_in_transaction = true`` (diesel reads a missing key as false).
Files beside the folders are not diesel's, so they are not read.
"""

from __future__ import annotations

import re

from pgshift.errors import DiscoveryError
from pgshift.migrations.layouts._common import Entry, bad_name, pair
from pgshift.migrations.migration import Migration, read_text

NAME = "diesel"
FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2}-\d{6}(?:-[0-9a-fA-F]+)?|\d+)_(.+)$")
RULE = "a folder <YYYY-MM-DD-HHMMSS>_<name>/ holding up.sql and down.sql"


def version_of(text: str) -> str:
    """The version as pgshift records it, dashed so that its parts, compared as
    integers, order it as diesel does: a flat 14-digit timestamp (diesel's initial
    setup, or an old dumped migration) is dashed too, and diesel_cli's hexadecimal
    suffix (``-000a`` after ``-0009``, ``-0010`` after ``-000f``) is written in decimal."""
    if len(text) == 14 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:8]}-{text[8:]}"
    head, dash, suffix = text.rpartition("-")
    if dash and len(head) == 17:
        return f"{head}-{int(suffix, 16):0{len(suffix)}d}"
    return text


def _transaction(entry: Entry) -> tuple[bool, tuple[str, ...]]:
    metadata = entry.path / "metadata.toml"
    if not metadata.is_file():
        return True, ()
    text = read_text(metadata)
    try:
        import tomllib  # only for a diesel folder with a metadata.toml

        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DiscoveryError(
            f"{metadata}: not valid TOML: {exc}.",
            "diesel reads 'run_in_transaction = false' there; fix the file.",
            path=metadata,
        ) from exc
    # diesel's field default is false: a metadata.toml without the key runs outside one
    return data.get("run_in_transaction", False) is True, (text,)


def read(found: tuple[Entry, ...], dialect: str) -> list[Migration]:
    """Every diesel migration among ``found``."""
    migrations = []
    for entry in found:
        if not entry.is_dir:
            continue  # diesel reads folders only (a README, a data script beside them)
        match = FOLDER.match(entry.name)
        if match is None:
            raise bad_name(entry, NAME, RULE)
        up = entry.path / "up.sql"
        if not up.is_file():
            raise DiscoveryError(
                f"{entry.path}: a diesel migration folder without up.sql.",
                "Add up.sql (it may be empty) and down.sql, or remove the folder.",
                path=entry.path,
            )
        down = entry.path / "down.sql"
        transaction, extra = _transaction(entry)
        version = version_of(match.group(1))
        migrations.append(
            pair(
                version,
                match.group(2),
                up,
                down if down.is_file() else None,
                NAME,
                title=entry.name,
                transaction=None if transaction else False,
                extra=extra,
            )
        )
    return migrations
