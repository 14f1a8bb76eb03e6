CREATE TABLE counters (id integer PRIMARY KEY, hits integer DEFAULT 0 NOT NULL);
