"""Which PostgreSQL pgshift runs on, and what it says to a server it does not."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgshift.db.connection import connect
from pgshift.db.versions import MIN_SERVER_VERSION, OLDEST, pretty
from pgshift.errors import ConnectError


def test_versions_print_as_the_server_prints_them() -> None:
    assert pretty(120022) == "12.22"
    assert pretty(180001) == "18.1"
    assert pretty(90624) == "9.6.24"


def test_a_server_older_than_12_is_refused_at_connect_naming_its_version(
    server_url: str, server_version: int
) -> None:
    if server_version >= MIN_SERVER_VERSION:
        conn = connect(server_url)
        assert conn.info.server_version == server_version
        conn.close()
        return
    with pytest.raises(ConnectError) as caught:
        connect(server_url)
    message = str(caught.value)
    assert f"runs PostgreSQL {pretty(server_version)}" in message
    assert f"PostgreSQL {OLDEST} and later" in message
    # the connection was closed, not left open behind the error
    with psycopg.connect(server_url) as conn:
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgshift'"
        ).fetchone()
    assert others == (0,)


def test_the_cli_says_the_refusal_in_one_paragraph(
    server_url: str, server_version: int, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from pgshift.cli import cli

    (tmp_path / "migrations").mkdir()
    args = ["status", "--url", server_url, "--dir", str(tmp_path / "migrations")]
    result = CliRunner().invoke(cli, args)
    if server_version >= MIN_SERVER_VERSION:
        assert result.exit_code == 0, result.output  # nothing pending, no refusal
        assert "runs PostgreSQL" not in result.output
        return
    assert result.exit_code != 0
    assert f"runs PostgreSQL {pretty(server_version)}" in result.output
    assert "Traceback" not in result.output
