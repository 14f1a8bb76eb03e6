CREATE TABLE base (id integer NOT NULL, state text DEFAULT 'new');
CREATE TABLE child (extra text) INHERITS (base);
