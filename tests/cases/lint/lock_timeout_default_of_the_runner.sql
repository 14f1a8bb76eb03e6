-- case: pgshift migrate sets lock_timeout to 5 s for every migration (pgshift.toml or not): lint does not ask for one
-- expect: missing-lock-timeout none
-- live: CREATE TABLE users (id bigint PRIMARY KEY, name text);
-- runs: ok
ALTER TABLE users ADD COLUMN phone text;
CREATE INDEX users_name_idx ON users (name);
