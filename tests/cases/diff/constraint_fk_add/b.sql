CREATE TABLE authors (id integer PRIMARY KEY);
CREATE TABLE books (id integer PRIMARY KEY, author_id integer,
    CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id));
