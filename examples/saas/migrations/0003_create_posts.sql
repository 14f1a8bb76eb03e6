-- "Add a New Table": no IF NOT EXISTS; history makes this run exactly once.
CREATE TABLE posts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      varchar(255) NOT NULL,
    content    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- pgshift:down
DROP TABLE posts;
