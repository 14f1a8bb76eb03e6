"""Other tools' migration directories, read as they are, give the schema their tools give.

Each folder of ``tests/cases/layouts/`` is one tool's directory (``<layout>`` or
``<layout>+<variant>``) carrying the traps of that tool: its ordering, its markers
for running outside a transaction, empty files, other databases' files. The
reference is :mod:`tests.layout_oracle`: psql applying the files in the tool's own
order. Schemas are compared as ``pg_dump --schema-only`` text: it is PostgreSQL's
own account of every object (column order, enum labels, view and function bodies,
comments, triggers) and shares nothing with pgshift's introspection, so a blind
spot there cannot hide a difference here.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgshift import down, migrate, status
from pgshift.config import load_settings
from pgshift.errors import PgshiftError
from tests import layout_oracle as oracle
from tests.conftest import ROOT, _create_db, _drop_db, cli_env, run_cli

CASES_DIR = ROOT / "tests" / "cases" / "layouts"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


def layout_of(case: str) -> str:
    return case.split("+", 1)[0]


PLANS = {case: oracle.plan(CASES_DIR / case, layout_of(case)) for case in CASES}
WITH_DOWNS = [case for case in CASES if PLANS[case].downs is not None]
WITHOUT_DOWNS = [case for case in CASES if PLANS[case].downs is None]


@dataclass(frozen=True)
class Reference:
    """The schema psql leaves: after the ups, and after the downs too (None: no downs)."""

    up: str
    down: str | None


@pytest.fixture(scope="module")
def reference(server_url: str) -> Callable[[str], Reference]:
    """The psql side of a case, built once per module."""
    made: dict[str, Reference] = {}

    def get(case: str) -> Reference:
        if case not in made:
            name, url = _create_db(server_url)
            try:
                oracle.apply(PLANS[case].ups, url)
                up = oracle.dump_schema(url)
                downs = PLANS[case].downs
                if downs is not None:
                    oracle.apply(downs, url)
                made[case] = Reference(up, oracle.dump_schema(url) if downs is not None else None)
            finally:
                _drop_db(server_url, name)
        return made[case]

    return get


@pytest.fixture(scope="module")
def empty_schema(server_url: str) -> str:
    name, url = _create_db(server_url)
    try:
        return oracle.dump_schema(url)
    finally:
        _drop_db(server_url, name)


def copy_case(case: str, tmp_path: Path) -> Path:
    """The case's folder in a scratch place (nothing pgshift writes lands in the repo)."""
    return Path(shutil.copytree(CASES_DIR / case, tmp_path / "migrations"))


def assert_same_schema(actual: str, expected: str, what: str) -> None:
    if actual != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "psql", "pgshift", lineterm=""
            )
        )
        pytest.fail(f"{what}: the schemas differ\n{diff}")


def status_of(
    url: str, folder: Path, *extra: str, **env: str
) -> tuple[int, str, dict[str, object]]:
    """``pgshift status`` as text and as JSON: exit code, text, parsed JSON."""
    environment = cli_env(url, COLUMNS="250", **env)
    text = run_cli("status", "--dir", str(folder), *extra, cwd=folder.parent, env=environment)
    as_json = run_cli(
        "status", "--dir", str(folder), "--json", *extra, cwd=folder.parent, env=environment
    )
    assert as_json.stdout.strip(), as_json.stderr
    assert text.returncode == as_json.returncode, text.stderr + as_json.stderr
    return text.returncode, text.stdout, json.loads(as_json.stdout)


# -- the psql side, and the traps it proves ----------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_psql_applies_case_in_the_tools_order(
    case: str, reference: Callable[[str], Reference], empty_schema: str
) -> None:
    """The reference itself: every case applies with psql, and its downs (run newest
    first) leave an empty schema."""
    result = reference(case)
    assert result.up != empty_schema
    if result.down is not None:
        assert_same_schema(result.down, empty_schema, f"{case}: psql ups then downs")


def _reordered(case: str, key: Callable[[oracle.Step], object]) -> list[oracle.Step]:
    return sorted(PLANS[case].ups, key=key)


def _diesel_numeric(step: oracle.Step) -> int:
    return int(step.name.split("_", 1)[0].replace("-", ""), 16)


def _every_popx_file(dialects: tuple[str, ...]) -> list[oracle.Step]:
    folder = CASES_DIR / "popx"
    chosen = []
    for path in sorted(folder.glob("*.up.sql")):
        parts = path.name.split(".")
        tag = parts[1] if len(parts) > 3 else "all"
        if tag in dialects:
            chosen.append(oracle.Step(path.name, path, path.read_text(), "autocommit" not in parts))
    return chosen


TRAPS: dict[str, Callable[[], list[oracle.Step]]] = {
    # the order another tool would use
    "diesel-versions-as-numbers": lambda: _reordered("diesel", _diesel_numeric),
    "flyway-versions-as-strings": lambda: _reordered(
        "flyway", lambda s: (s.name.startswith("R__"), s.name.split("__")[0].replace("_", "."))
    ),
    "flyway-repeatables-by-file-name": lambda: _reordered(
        "flyway", lambda s: (s.name.startswith("R__"), s.name if s.name.startswith("R__") else "")
    ),
    "golang-migrate-versions-as-strings": lambda: _reordered("golang-migrate", lambda s: s.name),
    "postgres-migrations-ids-as-strings": lambda: _reordered(
        "postgres-migrations", lambda s: s.name
    ),
    "flyway-baseline-after-its-versions": lambda: sorted(
        [
            oracle.Step(p.name, p, p.read_text(), True)
            for p in (CASES_DIR / "flyway+baseline").glob("[VB]*.sql")
        ],
        key=lambda s: (oracle.flyway_version(s.name[1:].split("__")[0]), s.name[0] == "B"),
    ),
    # files another dialect would take
    "popx-every-dialect": lambda: _every_popx_file(("all", "postgres", "mysql", "sqlite3")),
    "popx-generic-file-beside-the-postgres-one": lambda: _every_popx_file(("all", "postgres")),
    # everything inside a transaction
    **{
        f"{case}-all-in-transactions": (
            lambda case=case: [oracle.Step(s.name, s.source, s.sql, True) for s in PLANS[case].ups]
        )
        for case in CASES
        if any(not s.transactional for s in PLANS[case].ups)
    },
}


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_each_trap_breaks_the_naive_reading(new_db: Callable[[], str], trap: str) -> None:
    """Read the naive way (another order, other dialects' files, every file in a
    transaction), the cases fail: a reading that passes the comparisons below got
    the tool's rule right."""
    steps = TRAPS[trap]()
    with pytest.raises(oracle.OracleError):
        oracle.apply(steps, new_db())


def test_oracle_reads_each_tool_by_its_rules() -> None:
    """The rules as read in the tools' sources, spelled out on the cases."""
    assert PLANS["diesel"].names[:3] == (
        "00000000000000_diesel_initial_setup",
        "2024-01-10-090000-0000_create_users",
        "2024-01-10-090001_create_posts",
    )
    assert PLANS["diesel"].names.index("2024-02-01-120000-0009_add_post_word_count") + 1 == PLANS[
        "diesel"
    ].names.index("2024-02-01-120000-000a_backfill_word_count")
    flyway = PLANS["flyway"].names
    assert flyway.index("V1.9__add_post_word_count.sql") < flyway.index(
        "V1.10__backfill_word_count.sql"
    )
    assert flyway[-2:] == ("R__post_stats.sql", "R__post-feed.sql")
    assert PLANS["flyway+baseline"].names == (
        "B2__baseline.sql",
        "V3__posts_author_index.sql",
        "V4__user_bio.sql",
    )
    assert PLANS["golang-migrate"].names[-2:] == ("10_published_posts_view", "11_drop_legacy")
    assert [s.sql for s in PLANS["golang-migrate"].ups if s.name == "6_mysql_utf8mb4"] == [""]
    assert PLANS["postgres-migrations"].names[-1] == "10-post-slug.sql"
    popx = {s.name: s for s in PLANS["popx"].ups}
    assert "20240130000000000000_zone_config" not in popx
    assert popx["20240112000000000000_posts"].source.name.endswith(".postgres.up.sql")
    assert not popx["20240115000000000000_posts_author_idx"].transactional
    assert popx["20240220000000000000_utf8mb4"].sql == ""
    no_transaction = {
        case: sorted(s.name for s in PLANS[case].ups if not s.transactional) for case in CASES
    }
    assert no_transaction["flyway"] == [
        "V1.10__backfill_word_count.sql",
        "V2__index_posts_author.sql",
    ]
    assert no_transaction["postgres-migrations"] == [
        "5-index-posts-author.sql",
        "6_backfill-word-count.sql",
    ]
    assert no_transaction["prisma"] == [
        "20240115083000_post_author_index",
        "20240120093000_backfill_word_count",
    ]


# -- pgshift against the reference ------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_migrate_gives_the_tools_schema(
    db_url: str, tmp_path: Path, case: str, reference: Callable[[str], Reference]
) -> None:
    folder = copy_case(case, tmp_path)
    result = migrate(db_url, directory=folder, lint=False, backup=False)
    assert result.applied
    assert_same_schema(oracle.dump_schema(db_url), reference(case).up, f"{case}: migrate")
    again = migrate(db_url, directory=folder, lint=False, backup=False)
    assert again.applied == (), f"{case}: a second migrate ran {again.applied}"


_BARE_FILE = re.compile(r"(?<![\w/.-])(up|down|migration)\.sql\b")


@pytest.mark.parametrize("case", CASES)
def test_status_names_the_layout_and_every_migration(
    db_url: str, tmp_path: Path, case: str
) -> None:
    folder = copy_case(case, tmp_path)
    migrate(db_url, directory=folder, lint=False, backup=False)
    code, text, report = status_of(db_url, folder)
    layout = layout_of(case)
    assert code == 0, text
    assert f"layout: {layout}" in text
    assert report["layout"] == layout
    entries = report["migrations"]
    assert isinstance(entries, list)
    assert not [e for e in entries if e["state"] == "pending"]
    for name in PLANS[case].names:
        assert name in text, f"{name} is not named in:\n{text}"
        # a Flyway baseline migration that ran is the database's baseline
        done = ("applied", "baselined")
        assert [e for e in entries if name in json.dumps(e) and e["state"] in done], name
    bare = [line for line in text.splitlines() if _BARE_FILE.search(line)]
    assert not bare, f"migrations shown by a bare file name: {bare}"


@pytest.mark.parametrize("case", CASES)
def test_layout_is_detected(db_url: str, tmp_path: Path, case: str) -> None:
    folder = copy_case(case, tmp_path)
    code, text, report = status_of(db_url, folder)
    assert code == 1, text  # everything is pending
    assert f"layout: {layout_of(case)}" in text
    assert report["layout"] == layout_of(case)


@pytest.mark.parametrize("case", WITH_DOWNS)
def test_down_to_zero_gives_an_empty_schema(
    db_url: str,
    tmp_path: Path,
    case: str,
    reference: Callable[[str], Reference],
    empty_schema: str,
) -> None:
    folder = copy_case(case, tmp_path)
    applied = migrate(db_url, directory=folder, lint=False, backup=False).applied
    reverted = down(db_url, directory=folder, to="0", backup=False).reverted
    # one migration per name: a dbmate file with two sections is one migration
    assert len(reverted) == len({step.name for step in PLANS[case].downs or ()})
    assert len(reverted) <= len(applied)
    after = oracle.dump_schema(db_url)
    assert_same_schema(after, empty_schema, f"{case}: down to 0 against an empty database")
    assert_same_schema(after, reference(case).down or "", f"{case}: down to 0 against psql")


@pytest.mark.parametrize("case", WITHOUT_DOWNS)
def test_down_is_refused_where_the_tool_has_no_downs(
    db_url: str, tmp_path: Path, case: str, reference: Callable[[str], Reference]
) -> None:
    folder = copy_case(case, tmp_path)
    migrate(db_url, directory=folder, lint=False, backup=False)
    with pytest.raises(PgshiftError):
        down(db_url, directory=folder, to="0", backup=False)
    assert_same_schema(oracle.dump_schema(db_url), reference(case).up, f"{case}: refused down")


def test_flyway_repeatable_reruns_when_changed(
    db_url: str, new_db: Callable[[], str], tmp_path: Path
) -> None:
    folder = copy_case("flyway", tmp_path)
    migrate(db_url, directory=folder, lint=False, backup=False)
    stats = folder / "R__post_stats.sql"
    stats.write_text(
        stats.read_text().replace(
            "max(published_at) AS last_published",
            "max(published_at) AS last_published, count(published_at) AS published",
        )
    )
    rerun = migrate(db_url, directory=folder, lint=False, backup=False).applied
    assert len(rerun) == 1, rerun
    fresh = new_db()
    oracle.apply(oracle.plan(folder, "flyway").ups, fresh)
    assert_same_schema(oracle.dump_schema(db_url), oracle.dump_schema(fresh), "changed R__")


# -- choosing the layout -----------------------------------------------------------------

# Valid as golang-migrate (what detection picks) and as popx.
AMBIGUOUS = {
    "1_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    "1_users.down.sql": "DROP TABLE users;\n",
    "2_posts.up.sql": "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users)",
    "2_posts.down.sql": "DROP TABLE posts;\n",
}


def _ambiguous(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for name, text in AMBIGUOUS.items():
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize("how", ["pgshift.toml", "PGSHIFT_LAYOUT", "--layout"])
def test_layout_can_be_pinned(db_url: str, tmp_path: Path, how: str) -> None:
    folder = _ambiguous(tmp_path)
    assert status_of(db_url, folder)[2]["layout"] == "golang-migrate"
    extra: tuple[str, ...] = ()
    env: dict[str, str] = {}
    if how == "pgshift.toml":
        (tmp_path / "pgshift.toml").write_text('layout = "popx"\n')
    elif how == "PGSHIFT_LAYOUT":
        env["PGSHIFT_LAYOUT"] = "popx"
    else:
        extra = ("--layout", "popx")
    _, text, report = status_of(db_url, folder, *extra, **env)
    assert report["layout"] == "popx", text
    assert "layout: popx" in text


def test_library_settings_pin_the_layout(db_url: str, tmp_path: Path) -> None:
    folder = _ambiguous(tmp_path)
    settings = load_settings(
        {"database_url": db_url, "migrations": str(folder), "layout": "popx"}, cwd=tmp_path
    )
    assert settings.layout == "popx"
    assert len(migrate(settings=settings, lint=False, backup=False).applied) == 2
    assert status(settings=settings).status.up_to_date
    assert load_settings(env={"PGSHIFT_LAYOUT": "diesel"}, cwd=tmp_path).layout == "diesel"
    assert load_settings(cwd=tmp_path, env={}).layout == "auto"


def test_unknown_layout_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(PgshiftError, match="liquibase"):
        load_settings({"layout": "liquibase"}, cwd=tmp_path, env={})
