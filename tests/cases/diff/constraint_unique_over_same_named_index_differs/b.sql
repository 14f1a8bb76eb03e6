-- a same-named index the constraint cannot use (an expression): it goes first
CREATE TABLE tags (id integer NOT NULL, label text NOT NULL UNIQUE);
