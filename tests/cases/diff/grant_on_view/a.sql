CREATE TABLE t (id integer, secret text);
CREATE VIEW t_public AS SELECT id FROM t;
