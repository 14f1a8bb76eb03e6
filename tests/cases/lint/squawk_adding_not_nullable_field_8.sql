-- case: validating the live NOT VALID check on bar, then SET NOT NULL: no scan
-- expect: set-not-null none
-- live: CREATE TABLE foo (id bigint, bar bigint, baz bigint);
-- live: INSERT INTO foo SELECT g, g, g FROM generate_series(1, 100) g;
-- live: ALTER TABLE foo ADD CONSTRAINT foo_bar_not_null CHECK (bar IS NOT NULL) NOT VALID;
-- runs: ok
ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_not_null;
ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
ALTER TABLE foo DROP CONSTRAINT foo_bar_not_null;
