-- case: varchar(100) to text, or to varchar without a limit, widens it: no error, no rewrite
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE users (id bigint, email varchar(100), name varchar(100));
-- live: INSERT INTO users SELECT g, repeat('x', 100), repeat('y', 100) FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE users ALTER COLUMN email TYPE text;
ALTER TABLE users ALTER COLUMN name TYPE varchar;
