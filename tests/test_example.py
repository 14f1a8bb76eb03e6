"""The example project of the README: up, down to nothing, and up again."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, query, run_cli, tables

EXAMPLE = ROOT / "examples" / "saas"


def _columns(url: str, table: str) -> dict[str, tuple[str, str]]:
    rows = query(
        url,
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s",
        (table,),
    )
    return {str(name): (str(kind), str(null)) for name, kind, null in rows}


def test_the_example_applies_reverts_and_applies_again(db_url: str, tmp_path: Path) -> None:
    config = str(EXAMPLE / "pgshift.toml")
    first = run_cli("migrate", "--config", config, url=db_url)
    assert first.returncode == 0, first.stderr
    assert "8 migrations applied" in first.stdout
    assert tables(db_url) == {"users", "creator_profiles", "posts"}
    users = _columns(db_url, "users")
    assert set(users) == {"id", "name", "email", "password", "created_at", "updated_at", "bio"}
    assert users["email"] == ("character varying", "NO")
    assert "phone" not in users  # added by 0005, dropped by 0006
    assert set(_columns(db_url, "creator_profiles")) >= {"user_id", "niche", "posting_frequency"}
    constraints = {
        str(r[0])
        for r in query(
            db_url, "SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass"
        )
    }
    assert "email_unique" in constraints
    valid = query(
        db_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_posts_user_id'::regclass"
    )
    assert valid == [(True,)]
    fk = query(
        db_url,
        "SELECT confdeltype FROM pg_constraint WHERE conrelid = 'creator_profiles'::regclass "
        "AND contype = 'f'",
    )
    assert fk == [("c",)]  # ON DELETE CASCADE

    assert run_cli("status", "--config", config, url=db_url).returncode == 0

    back = run_cli("down", "--to", "0", "--config", config, url=db_url)
    assert back.returncode == 0, back.stderr
    assert "8 migrations reverted" in back.stdout
    assert tables(db_url) == set()
    assert query(db_url, "SELECT count(*) FROM pgshift.history") == [(0,)]

    again = run_cli("migrate", "--config", config, url=db_url)
    assert again.returncode == 0, again.stderr
    assert tables(db_url) == {"users", "creator_profiles", "posts"}
