ALTER TABLE users ADD COLUMN legacy_login text;
-- Unsaved editor state; replaced by posts.published_at later on.
CREATE TABLE drafts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content text NOT NULL
);
