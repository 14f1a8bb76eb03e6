CREATE TABLE base (id integer NOT NULL, created_at timestamp);
CREATE TABLE child (id integer NOT NULL, created_at timestamp, extra text) INHERITS (base);
