CREATE TABLE data (id integer NOT NULL, name text);
CREATE FUNCTION data_count() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM data;
END;
