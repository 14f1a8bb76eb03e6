-- case: integer and smallint columns that hold small values (a year, a percentage, a status, a rating) get no finding
-- expect: prefer-bigint-and-identity none
-- live: CREATE TABLE users (id bigint PRIMARY KEY);
-- runs: ok
ALTER TABLE users ADD COLUMN birth_year smallint;
ALTER TABLE users ADD COLUMN discount_percent smallint;
ALTER TABLE users ADD COLUMN status smallint;
ALTER TABLE users ADD COLUMN rating integer;
ALTER TABLE users ADD COLUMN points integer;
ALTER TABLE users ADD COLUMN age integer;
ALTER TABLE users ADD COLUMN priority int2;
ALTER TABLE users ADD COLUMN scores integer[];
ALTER TABLE users ADD COLUMN total bigint;
ALTER TABLE users ADD COLUMN visits bigint;
