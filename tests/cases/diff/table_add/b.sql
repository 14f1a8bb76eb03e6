CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE items (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    price numeric(10,2) DEFAULT 0 NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL
);
