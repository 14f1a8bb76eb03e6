CREATE TABLE flags (id integer, state text DEFAULT 'no' NOT NULL);
