"""A pooler or proxy between pgshift and the server is detected before anything runs."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.conftest import OWN_ADVISORY_LOCKS, query, run_cli, tables, write_migrations


class PidHidingProxy:
    """Forwards the PostgreSQL protocol on loopback, replacing the backend pid the
    server announces (BackendKeyData) with one of its own, as poolers do."""

    FAKE_PID = 424242

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target, timeout=30)
            threading.Thread(target=self._upstream, args=(client, server), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client), daemon=True).start()

    @staticmethod
    def _upstream(client: socket.socket, server: socket.socket) -> None:
        try:
            while data := client.recv(65536):
                server.sendall(data)
        except OSError:
            pass
        finally:
            server.close()

    def _downstream(self, server: socket.socket, client: socket.socket) -> None:
        buffer = b""
        try:
            while data := server.recv(65536):
                buffer += data
                out = b""
                while len(buffer) >= 5:
                    length = int.from_bytes(buffer[1:5], "big")
                    if len(buffer) < 1 + length:
                        break
                    message, buffer = buffer[: 1 + length], buffer[1 + length :]
                    if message[:1] == b"K":
                        message = message[:5] + self.FAKE_PID.to_bytes(4, "big") + message[9:]
                    out += message
                client.sendall(out)
        except OSError:
            pass
        finally:
            client.close()

    def close(self) -> None:
        self.stopped = True
        self.listener.close()


@pytest.fixture
def proxied_url(db_url: str) -> Iterator[str]:
    params = conninfo_to_dict(db_url)
    proxy = PidHidingProxy(str(params.get("host") or "127.0.0.1"), int(params.get("port") or 5432))
    try:
        yield make_conninfo(
            db_url, host="127.0.0.1", port=str(proxy.port), sslmode="disable", gssencmode="disable"
        )
    finally:
        proxy.close()


def test_a_proxy_hiding_the_backend_is_refused_and_nothing_runs(
    db_url: str, proxied_url: str, tmp_path: Path
) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    refused = run_cli("migrate", "--dir", str(folder), url=proxied_url)
    assert refused.returncode == 2
    assert "connection pooler or proxy" in refused.stderr
    assert "--allow-pooler" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert tables(db_url) == set()
    locks = query(db_url, OWN_ADVISORY_LOCKS)
    assert locks == [(0,)]

    allowed = run_cli("migrate", "--allow-pooler", "--dir", str(folder), url=proxied_url)
    assert allowed.returncode == 0, allowed.stderr
    assert tables(db_url) == {"a"}


def test_status_reads_through_a_proxy(proxied_url: str, tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id int);\n"})
    result = run_cli("status", "--dir", str(folder), url=proxied_url)
    assert result.returncode == 1  # pending, and no error: reading needs no lock
    assert "pending" in result.stdout
