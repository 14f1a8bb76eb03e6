-- case: CREATE TYPE, CREATE FUNCTION and COMMENT ON lock no table against reads or writes
-- expect: missing-lock-timeout none
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE FUNCTION add(integer, integer) RETURNS integer AS 'select $1 + $2;' LANGUAGE SQL;
COMMENT ON TABLE mood_log IS 'an opaque id';
