-- case: smallint to integer and integer to bigint widen (no error) but rewrite (a warning)
-- expect: narrowing-type-change none
-- expect: change-column-type warning line 8
-- expect: change-column-type warning line 9
-- live: CREATE TABLE counters (id bigint, small smallint, hits integer);
-- live: INSERT INTO counters SELECT g, 32767, 2147483647 FROM generate_series(1, 10) g;
-- runs: ok
ALTER TABLE counters ALTER COLUMN small TYPE integer;
ALTER TABLE counters ALTER COLUMN hits TYPE int8;
