CREATE TABLE counters (id integer PRIMARY KEY, hits bigint DEFAULT 0 NOT NULL);
