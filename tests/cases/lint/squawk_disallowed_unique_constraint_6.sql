-- case: ADD COLUMN ... UNIQUE on a table created in the same migration builds an empty index
-- expect: add-unique-constraint none
-- runs: ok
CREATE TABLE foo (id bigint);
ALTER TABLE foo ADD COLUMN bar text UNIQUE;
