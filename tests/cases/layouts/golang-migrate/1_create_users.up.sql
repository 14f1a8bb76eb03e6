CREATE TYPE user_role AS ENUM ('reader', 'author', 'admin');

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    display_name text NOT NULL,
    legacy_login text,
    role user_role NOT NULL DEFAULT 'reader'
);
