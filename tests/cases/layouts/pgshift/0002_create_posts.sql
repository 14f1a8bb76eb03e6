CREATE TABLE posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    published_at timestamptz
);

-- Unsaved editor state; replaced by posts.published_at later on.
CREATE TABLE drafts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content text NOT NULL
);

-- pgshift:down
-- the view of R__published_posts.sql is built on posts
DROP VIEW IF EXISTS published_posts;
DROP TABLE drafts;
DROP TABLE posts;
