-- case: varchar(100) to varchar(200) on a live varchar(100) column widens it: no error, no rewrite
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE users (id bigint, email varchar(100));
-- live: INSERT INTO users SELECT g, repeat('x', 100) FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
