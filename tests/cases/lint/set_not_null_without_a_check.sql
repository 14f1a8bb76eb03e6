-- case: SET NOT NULL with no check to prove it scans the table
-- expect: set-not-null warning line 5 safe "IS NOT NULL) NOT VALID"
-- live: CREATE TABLE users (id bigint, email varchar(100), name text);
-- runs: ok
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
