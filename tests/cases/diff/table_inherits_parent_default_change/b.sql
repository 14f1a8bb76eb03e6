CREATE TABLE base (id integer NOT NULL, state text DEFAULT 'open');
CREATE TABLE child (extra text) INHERITS (base);
