CREATE TABLE t (id bigint NOT NULL, name text);
