-- case: ADD COLUMN ... UNIQUE builds the index under ACCESS EXCLUSIVE, named or not
-- expect: add-unique-constraint warning line 7
-- expect: add-unique-constraint warning line 8
-- live: CREATE TABLE foo (id bigint);
-- live: INSERT INTO foo SELECT g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE foo ADD COLUMN bar text CONSTRAINT foo_bar_unique UNIQUE;
ALTER TABLE foo ADD COLUMN qux text UNIQUE;
