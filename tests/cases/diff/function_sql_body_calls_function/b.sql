CREATE TABLE keep (id integer);
-- SQL-standard bodies are parsed at creation: each callee must exist first
CREATE FUNCTION z_base() RETURNS integer LANGUAGE sql IMMUTABLE RETURN 40;
CREATE FUNCTION m_middle() RETURNS integer LANGUAGE sql IMMUTABLE RETURN z_base() + 1;
CREATE FUNCTION a_top() RETURNS integer LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT m_middle() + 1;
END;
CREATE FUNCTION keep_count() RETURNS bigint LANGUAGE sql STABLE
RETURN (SELECT count(*) FROM keep);
