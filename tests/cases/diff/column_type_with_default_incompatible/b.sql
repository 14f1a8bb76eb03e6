CREATE TABLE flags (id integer, state boolean DEFAULT false NOT NULL);
