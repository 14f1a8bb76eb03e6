-- case: SET NOT NULL with nothing to prove it scans the table under ACCESS EXCLUSIVE
-- expect: set-not-null warning line 6
-- live: CREATE TABLE foo (id bigint, bar bigint, baz bigint);
-- live: INSERT INTO foo SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "foo" ALTER COLUMN "bar" SET NOT NULL;
