-- The users table of the how-to's "Current Database Schema". The unique
-- constraint on email comes in 0008, as the how-to's "Add a Unique Constraint".
CREATE TABLE users (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       varchar(255) NOT NULL,
    email      varchar(255) NOT NULL,
    password   varchar(255) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- pgshift:down
DROP TABLE users;
