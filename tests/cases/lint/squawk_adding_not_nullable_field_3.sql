-- case: SET NOT NULL followed by the runner's bookkeeping UPDATE is still a scan
-- expect: set-not-null warning line 6
-- live: CREATE TABLE foo (id bigint, bar bigint, baz bigint);
-- live: INSERT INTO foo SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
UPDATE foo SET baz = 2 WHERE foo.id = 1;
