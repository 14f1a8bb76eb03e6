-- the function's body, parsed at creation, followed the table through the rename:
-- it must read the new view of the old name
CREATE TABLE t_data (id integer NOT NULL, name text);
CREATE VIEW data AS SELECT * FROM t_data;
CREATE FUNCTION data_count() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM data;
END;
