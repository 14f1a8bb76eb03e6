-- case: bigint to integer fails on a value above 2,147,483,647
-- expect: narrowing-type-change error line 6
-- live: CREATE TABLE counters (id bigint, hits bigint);
-- live: INSERT INTO counters SELECT g, 3000000000 FROM generate_series(1, 10) g;
-- runs: fails 22003
ALTER TABLE counters ALTER COLUMN hits TYPE integer;
