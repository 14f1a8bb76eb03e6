-- case: varchar(100) to varchar(50) fails on a longer value
-- expect: narrowing-type-change error line 7 safe "CHECK"
-- expect: change-column-type none
-- live: CREATE TABLE users (id bigint, email varchar(100));
-- live: INSERT INTO users SELECT g, repeat('x', 80) FROM generate_series(1, 100) g;
-- runs: fails 22001
ALTER TABLE users ALTER COLUMN email TYPE varchar(50);
