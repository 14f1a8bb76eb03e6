CREATE TABLE events (id integer NOT NULL, payload text);
