CREATE TABLE authors (id integer PRIMARY KEY);
CREATE TABLE books (id integer PRIMARY KEY, author_id integer,
    CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id));
