"""The Markdown of a fixed schema, against its golden file (no server needed)."""

from __future__ import annotations

import os
from pathlib import Path

from pgshift.schema.docs import render
from pgshift.schema.model import (
    Column,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Index,
    Namespace,
    Schema,
    Table,
)

GOLDEN = Path(__file__).resolve().parent.parent / "cases" / "docs" / "saas.md"

USERS = Table(
    schema="public",
    name="users",
    kind="table",
    comment="Everyone who can log in.",
    columns=(
        Column("id", "uuid", nullable=False, default="gen_random_uuid()"),
        Column("email", "character varying(255)", nullable=False, comment="login | name"),
        Column("mood", "public.mood", default="'ok'::mood"),
        Column("n", "bigint", nullable=False, identity="always"),
    ),
    constraints=(
        Constraint("email_unique", "unique", "UNIQUE (email)", ("email",)),
        Constraint("users_pkey", "primary key", "PRIMARY KEY (id)", ("id",)),
    ),
    indexes=(
        Index(
            "email_unique",
            "CREATE UNIQUE INDEX email_unique ON public.users USING btree (email)",
            "btree",
            unique=True,
            constraint="email_unique",
        ),
        Index(
            "users_pkey",
            "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
            "btree",
            unique=True,
            primary=True,
            constraint="users_pkey",
        ),
    ),
)
POSTS = Table(
    schema="public",
    name="posts",
    kind="table",
    columns=(
        Column("id", "uuid", nullable=False),
        Column("user_id", "uuid", nullable=False),
        Column("title", "text"),
    ),
    constraints=(
        Constraint("posts_pkey", "primary key", "PRIMARY KEY (id)", ("id",)),
        Constraint(
            "posts_user_id_fkey",
            "foreign key",
            "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
            ("user_id",),
            references="public.users",
            referenced_columns=("id",),
            on_delete="CASCADE",
        ),
    ),
    indexes=(
        Index(
            "idx_posts_title",
            "CREATE INDEX idx_posts_title ON public.posts USING btree (title)",
            "btree",
            valid=False,
        ),
    ),
)
VIEW = Table(
    schema="public",
    name="titles",
    kind="view",
    columns=(Column("title", "text"),),
    definition=" SELECT title FROM posts;",
)
SCHEMA = Schema(
    schemas=(Namespace("public"),),
    tables=(POSTS, VIEW, USERS),
    enums=(EnumType("public", "mood", ("sad", "ok"), comment="how it went"),),
    domains=(Domain("public", "positive", "integer", False, None, ("CHECK (VALUE > 0)",)),),
    composites=(CompositeType("public", "address", (("street", "text"), ("zip", "text"))),),
)


def test_markdown_matches_the_golden_file() -> None:
    text = render(SCHEMA)
    if os.environ.get("PGSHIFT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_the_same_model_gives_the_same_bytes() -> None:
    assert render(SCHEMA) == render(Schema(**{f: getattr(SCHEMA, f) for f in SCHEMA.__slots__}))
