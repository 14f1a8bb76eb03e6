CREATE TABLE base (id integer NOT NULL, state text DEFAULT 'new');
CREATE TABLE child (extra text) INHERITS (base);
ALTER TABLE ONLY child ALTER COLUMN state SET DEFAULT 'child';
ALTER TABLE ONLY child ALTER COLUMN id SET DEFAULT 0;
