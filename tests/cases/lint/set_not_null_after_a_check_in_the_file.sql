-- case: the fix's own sequence (check NOT VALID, VALIDATE, SET NOT NULL) is not flagged
-- expect: set-not-null none
-- live: CREATE TABLE users (id bigint, email varchar(100), name text);
-- runs: ok
ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_name_nn;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
