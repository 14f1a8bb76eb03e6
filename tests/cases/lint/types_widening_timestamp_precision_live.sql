-- case: timestamp(3) to timestamp(6) keeps every value and the (lack of a) time zone: no error, no rewrite
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE events (id bigint, at timestamp(3));
-- live: INSERT INTO events SELECT g, now() FROM generate_series(1, 10) g;
-- runs: ok
ALTER TABLE events ALTER COLUMN at TYPE timestamp(6);
