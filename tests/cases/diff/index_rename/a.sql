CREATE TABLE t (id integer, name text);
CREATE INDEX idx_1 ON t (name);
