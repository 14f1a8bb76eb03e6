CREATE TABLE authors (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE TABLE books (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    title text NOT NULL,
    pages integer CHECK (pages > 0)
);
CREATE INDEX books_author_id_idx ON books (author_id);
