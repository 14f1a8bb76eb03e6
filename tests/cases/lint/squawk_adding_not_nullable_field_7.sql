-- case: validating a live NOT VALID check on another column proves nothing for bar: a scan
-- expect: set-not-null warning line 8
-- live: CREATE TABLE foo (id bigint, bar bigint, baz bigint);
-- live: INSERT INTO foo SELECT g, g, g FROM generate_series(1, 100) g;
-- live: ALTER TABLE foo ADD CONSTRAINT foo_baz_not_null CHECK (baz IS NOT NULL) NOT VALID;
-- runs: ok
ALTER TABLE foo VALIDATE CONSTRAINT foo_baz_not_null;
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
