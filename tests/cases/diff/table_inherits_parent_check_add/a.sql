CREATE TABLE base (id integer NOT NULL, amount integer);
CREATE TABLE child (extra text, CONSTRAINT extra_short CHECK (length(extra) < 10)) INHERITS (base);
