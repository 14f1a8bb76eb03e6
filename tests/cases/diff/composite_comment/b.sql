CREATE TYPE pair AS (a integer, b integer);
COMMENT ON TYPE pair IS 'two numbers';
