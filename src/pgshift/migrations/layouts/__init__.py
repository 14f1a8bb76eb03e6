"""The directory layouts pgshift reads, one module each, and how ``auto`` picks one.

Each module has ``NAME`` and ``read(entries, dialect) -> list[Migration]``, which
reads the entries by the original tool's naming rules and raises a
:class:`~pgshift.errors.DiscoveryError` naming the known layouts for a name its
rules do not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pgshift.config import LAYOUTS
from pgshift.migrations.layouts import (
    dbmate,
    diesel,
    flyway,
    golang_migrate,
    native,
    popx,
    postgres_migrations,
    prisma,
)
from pgshift.migrations.layouts._common import Entry
from pgshift.migrations.migration import Migration

Reader = Callable[[tuple[Entry, ...], str], list[Migration]]
READERS: dict[str, Reader] = {
    native.NAME: native.read,
    flyway.NAME: flyway.read,
    golang_migrate.NAME: golang_migrate.read,
    dbmate.NAME: dbmate.read,
    diesel.NAME: diesel.read,
    prisma.NAME: prisma.read,
    popx.NAME: popx.read,
    postgres_migrations.NAME: postgres_migrations.read,
}
assert set(LAYOUTS) == {"auto", *READERS}

_DASHED_FILE = re.compile(r"^\d+-.*\.(sql|js)$")
_FLYWAY_MARK = re.compile(r"^[VUB]\d.*__.*\.sql$|\.sql\.conf$")
_PRISMA_FOLDER = re.compile(r"^\d{14}_")


def detect(found: tuple[Entry, ...]) -> str:
    """The layout the names show: the first tool whose rules read every entry and whose
    own mark is on one of them; else pgshift's (which also reads Flyway, golang-migrate
    and dbmate files side by side)."""
    folders = [e for e in found if e.is_dir]
    files = [e.name for e in found if not e.is_dir and e.name.endswith((".sql", ".py", ".js"))]
    confs = [e.name for e in found if e.name.endswith(".sql.conf")]
    every = [e.name for e in found]

    def diesel_like() -> bool:
        marked = any(
            "-" in e.name.split("_")[0] or e.name.endswith("_diesel_initial_setup") for e in folders
        )
        # diesel reads folders only: a data script or README beside them is no mark against
        return marked and all(diesel.FOLDER.match(e.name) for e in folders)

    def prisma_like() -> bool:
        if files or not folders:
            return False
        shaped = all(
            prisma.FOLDER.match(e.name) and (e.path / "migration.sql").is_file() for e in folders
        )
        dated = all(_PRISMA_FOLDER.match(e.name) for e in folders)
        return shaped and ("migration_lock.toml" in every or dated)

    candidates: tuple[tuple[str, Callable[[], bool]], ...] = (
        (diesel.NAME, diesel_like),
        (prisma.NAME, prisma_like),
        (
            popx.NAME,
            lambda: (
                not folders
                and all(popx.FILE.match(n) for n in files)
                and any((m := popx.FILE.match(n)) is not None and m.group(3) for n in files)
            ),
        ),
        (
            golang_migrate.NAME,
            lambda: (
                not folders and bool(files) and all(golang_migrate.PAIR.match(n) for n in files)
            ),
        ),
        (
            postgres_migrations.NAME,
            lambda: (
                not folders
                and all(postgres_migrations.FILE.match(n) for n in files)
                and any(_DASHED_FILE.match(n) for n in files)
            ),
        ),
        (
            flyway.NAME,
            lambda: (
                not folders
                and all(flyway.VERSIONED.match(n) or flyway.REPEATABLE.match(n) for n in files)
                and any(_FLYWAY_MARK.search(n) for n in [*files, *confs])
            ),
        ),
    )
    for name, fits in candidates:
        if fits():
            return name
    return native.NAME
