CREATE TABLE docs (id integer PRIMARY KEY, body text, updated_at timestamptz);
