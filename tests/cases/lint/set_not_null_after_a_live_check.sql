-- case: SET NOT NULL where the live database has a validated CHECK (email IS NOT NULL)
-- expect: set-not-null none
-- expect: narrowing-type-change none
-- live: CREATE TABLE users (id bigint, email varchar(100), name text);
-- live: ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);
-- runs: ok
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
