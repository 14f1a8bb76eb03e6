-- case: a file that turns pgshift's lock_timeout off gets the warning, at its first strong lock
-- expect: missing-lock-timeout warning line 6
-- live: CREATE TABLE users (id bigint PRIMARY KEY, name text);
-- runs: ok
-- pgshift:lock-timeout 0
ALTER TABLE users ADD COLUMN phone text;
CREATE INDEX users_name_idx ON users (name);
