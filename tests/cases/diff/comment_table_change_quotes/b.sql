CREATE TABLE t (id integer);
COMMENT ON TABLE t IS E'it''s \\new\\ and\nmultiline';
