CREATE TABLE keep (id integer);
CREATE FUNCTION b_check(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN n >= 0;
CREATE DOMAIN a_count AS integer CHECK (b_check(VALUE));
-- takes the domain, and a table's row, and calls the domain's check function
CREATE FUNCTION a_twice(n a_count) RETURNS a_count LANGUAGE sql IMMUTABLE RETURN (n * 2)::a_count;
CREATE TYPE a_pair AS (left_side a_count, right_side a_count);
CREATE FUNCTION a_keep_id(k keep) RETURNS integer LANGUAGE sql IMMUTABLE RETURN k.id;
CREATE FUNCTION a_sum(p a_pair) RETURNS integer LANGUAGE sql IMMUTABLE RETURN p.left_side + p.right_side;
