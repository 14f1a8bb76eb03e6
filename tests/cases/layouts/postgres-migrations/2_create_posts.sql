CREATE TABLE posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    published_at timestamptz
);
