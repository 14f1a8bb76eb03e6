CREATE TABLE keep (id integer);
-- named so that alphabetical order would drop each callee before its caller
CREATE FUNCTION a_base() RETURNS integer LANGUAGE sql IMMUTABLE RETURN 40;
CREATE FUNCTION m_middle() RETURNS integer LANGUAGE sql IMMUTABLE RETURN a_base() + 1;
CREATE FUNCTION z_top() RETURNS integer LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT m_middle() + 1;
END;
CREATE FUNCTION b_keep_count() RETURNS bigint LANGUAGE sql STABLE
RETURN (SELECT count(*) FROM keep);
