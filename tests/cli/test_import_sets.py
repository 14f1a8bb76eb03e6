"""What each command imports: only what its job needs, so start-up cost cannot creep back.

Each case runs the console-script entry point in a fresh interpreter, as a user's shell
does, and reads ``sys.modules`` once the command has finished. A module that shows up
here was paid for at every start of that command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import cli_env, write_migrations

_RUN = """
import json, sys
from pgshift.cli import main
out, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["pgshift", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""

# what no command that is not about them may load
DRIVER = ("psycopg", "psycopg_binary", "psycopg_c")
PARSER = ("pglast",)
HEAVY_STDLIB = ("asyncio", "importlib.metadata", "logging", "ctypes", "email", "ssl")
# pgshift's subsystems a command either needs or must not touch
SCHEMA = ("pgshift.schema",)
LINTER = ("pgshift.lint",)
ONLINE = ("pgshift.online", "pgshift.safety", "pgshift.workflows")


def _imported(
    tmp_path: Path, *args: str, url: str | None = None, ok: tuple[int, ...] = (0,)
) -> set[str]:
    out = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _RUN, str(out), json.dumps(args)],
        env=cli_env(url, NO_COLOR="1"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.exists(), result.stderr
    data = json.loads(out.read_text())
    assert data["code"] in ok, (data["code"], result.stdout, result.stderr)
    return set(data["modules"])


def _loaded(modules: set[str], roots: tuple[str, ...]) -> set[str]:
    """The modules of ``modules`` that are ``roots`` or inside them."""
    return {m for m in modules if any(m == r or m.startswith(r + ".") for r in roots)}


def _third_party(modules: set[str]) -> set[str]:
    tops = {m.split(".")[0] for m in modules}
    return {t for t in tops if t not in sys.stdlib_module_names and not t.startswith("_")}


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_load_the_cli_framework_and_nothing_else(
    tmp_path: Path, flag: str
) -> None:
    modules = _imported(tmp_path, flag)
    assert _third_party(modules) == {"click", "pgshift"}
    # the group, its shared options module, the errors and the version: no command
    assert _loaded(modules, ("pgshift",)) == {
        "pgshift",
        "pgshift.cli",
        "pgshift.cli._common",
        "pgshift.errors",
        "pgshift.version",
    }
    # pathlib, shutil (with its compression modules), importlib.metadata and the like
    # are 3-30 ms each at every start
    assert not _loaded(modules, ("pathlib", "shutil", "importlib.metadata", "importlib.resources"))
    assert not _loaded(modules, HEAVY_STDLIB)


@pytest.mark.parametrize("cache", [True, False])
def test_linting_a_file_loads_the_parser_but_no_driver(tmp_path: Path, cache: bool) -> None:
    (tmp_path / "one.sql").write_text("CREATE INDEX users_email ON users (email);\n")
    args = ("lint", "one.sql") if cache else ("lint", "--no-cache", "one.sql")
    _imported(tmp_path, *args, ok=(0, 1))  # the first run fills the cache
    modules = _imported(tmp_path, *args, ok=(0, 1))
    assert not _loaded(modules, DRIVER)
    assert not _loaded(modules, ("rich", *SCHEMA, *ONLINE, "pgshift.db"))
    assert not _loaded(modules, HEAVY_STDLIB)
    assert _loaded(modules, LINTER)
    if cache:  # an unchanged file's findings come from the cache: nothing to parse
        assert not _loaded(modules, PARSER)
    else:
        assert _loaded(modules, PARSER)


@pytest.fixture
def applied(tmp_path: Path, db_url: str) -> Callable[..., set[str]]:
    """A project whose migrations are all applied to ``db_url``; runs commands on it."""
    write_migrations(
        tmp_path / "migrations",
        {
            "0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
            "0002_email.sql": "-- pgshift:no-transaction\n"
            "CREATE INDEX CONCURRENTLY users_email ON users (email);\n",
        },
    )
    _imported(tmp_path, "migrate", url=db_url)

    def run(*args: str, ok: tuple[int, ...] = (0,)) -> set[str]:
        return _imported(tmp_path, *args, url=db_url, ok=ok)

    return run


@pytest.mark.parametrize("command", ["status", "migrate"])
def test_status_and_a_no_op_migrate_load_neither_parser_nor_linter(
    applied: Callable[..., set[str]], command: str
) -> None:
    modules = applied(command)
    assert _loaded(modules, ("psycopg",))  # they do talk to the server
    assert not _loaded(modules, PARSER)
    assert not _loaded(modules, ("rich", *LINTER, *SCHEMA, "pgshift.online", "pgshift.safety"))
    assert not _loaded(modules, ("pgshift.migrations.runner", "pgshift.migrations.statements"))
    # migrate's own workflow, and no other
    expected = {"pgshift.workflows", "pgshift.workflows.migrate"} if command == "migrate" else set()
    assert _loaded(modules, ("pgshift.workflows",)) == expected


def test_a_pending_migration_brings_the_linter_in(
    applied: Callable[..., set[str]], tmp_path: Path
) -> None:
    # the other side of the test above: the gate is loaded when there is work to gate,
    # so the assertions there are about laziness, not about a linter never used
    (tmp_path / "migrations" / "0003_name.sql").write_text(
        "ALTER TABLE users ADD COLUMN name text;\n"
    )
    modules = applied("migrate")
    assert _loaded(modules, LINTER)
    assert _loaded(modules, PARSER)


def test_init_and_new_load_neither_driver_nor_parser(tmp_path: Path) -> None:
    for args in (("init",), ("new", "add_users"), ("new", "add_orders", "--no-transaction")):
        modules = _imported(tmp_path, *args)
        assert not _loaded(modules, (*DRIVER, *PARSER, "rich", *LINTER, *SCHEMA))
        assert not _loaded(modules, HEAVY_STDLIB)
    assert sorted(p.name for p in (tmp_path / "migrations").iterdir()) == [
        "0001_add_users.sql",
        "0002_add_orders.sql",
    ]


def test_a_diff_of_two_databases_loads_no_parser_linter_or_migrations(
    applied: Callable[..., set[str]], db_url: str
) -> None:
    modules = applied("diff", "--from", db_url, "--to", db_url)
    assert _loaded(modules, SCHEMA)
    assert not _loaded(modules, (*PARSER, "rich", *LINTER, "pgshift.migrations", "pgshift.api"))
