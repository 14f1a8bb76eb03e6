"""``pgshift embedded``: the embedded PostgreSQL kept in .pgshift/pgdata, and the test
server of the pytest plugin beside it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pgshift.cli._common import EXIT_FINDINGS, EXIT_OK, fail


@click.group()
def embedded() -> None:
    """Manage the embedded PostgreSQL kept in .pgshift/pgdata."""


def _embedded_server(config: Path | None) -> Any:
    from pgshift.config import load_settings
    from pgshift.db.embedded import project_server

    return project_server(load_settings(config_file=config), on_note=_note)


def _note(text: str) -> None:
    click.echo(f"pgshift: {text}", err=True)


def _test_server_dir(config: Path | None) -> Path:
    """The data folder of the pytest plugin's test server, if it has one yet."""
    from pgshift.config import load_settings
    from pgshift.db.testserver import disposable_dir

    settings = load_settings(config_file=config)
    return disposable_dir(
        settings.embedded_dir.parent, create=False, version=settings.embedded_version
    )


_config_option = click.option("--config", type=click.Path(dir_okay=False, path_type=Path))


@embedded.command("status")
@_config_option
def embedded_status(config: Path | None) -> None:
    """Is it created, is it running, on which port."""
    try:
        info = _embedded_server(config).status()
    except Exception as exc:
        fail(exc, False)
    click.echo(f"data:    {info.data_dir}")
    if not info.initialized:
        click.echo("state:   not created yet (any database command creates it)")
        _test_server_status(config)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"version: PostgreSQL {info.version}")
    click.echo(f"state:   {'running, pid ' + str(info.pid) if info.running else 'stopped'}")
    if info.url:
        click.echo(f"url:     {info.url}")
    _test_server_status(config)
    sys.exit(EXIT_OK if info.running else EXIT_FINDINGS)


def _test_server_status(config: Path | None) -> None:
    from pgshift.db.embedded import EmbeddedServer

    tests = EmbeddedServer(_test_server_dir(config)).status()
    if tests.initialized:
        state = f"running, {tests.url}" if tests.running else "stopped"
        click.echo(f"tests:   {tests.data_dir} ({state}; the pytest plugin's, without durability)")


@embedded.command("start")
@_config_option
def embedded_start(config: Path | None) -> None:
    """Create (if needed) and start the embedded server."""
    try:
        info = _embedded_server(config).ensure_running()
    except Exception as exc:
        fail(exc, False)
    click.echo(f"running: PostgreSQL {info.version}, pid {info.pid}, {info.url}")


@embedded.command("stop")
@_config_option
def embedded_stop(config: Path | None) -> None:
    """Stop the embedded server (its data stays) and the test server of the pytest plugin
    (deleted when it lives in memory)."""
    from pgshift.db.testserver import remove_disposable

    try:
        stopped = _embedded_server(config).stop()
        tests = _test_server_dir(config)
        stopped_tests = remove_disposable(tests)
    except Exception as exc:
        fail(exc, False)
    click.echo("stopped" if stopped else "not running")
    if stopped_tests:
        click.echo(f"stopped the test server in {tests}")


@embedded.command("url")
@_config_option
def embedded_url(config: Path | None) -> None:
    """Print the URL of the embedded server, starting it if needed."""
    try:
        info = _embedded_server(config).ensure_running()
    except Exception as exc:
        fail(exc, False)
    click.echo(info.url)
