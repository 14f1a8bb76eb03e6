-- case: changing a timestamptz column to timestamp rewrites it and drops the zone
-- expect: narrowing-type-change error line 7
-- expect: prefer-timestamptz-and-jsonb info line 7
-- live: CREATE TABLE app_users (id bigint, created_ts timestamptz);
-- live: INSERT INTO app_users SELECT g, now() FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE app_users ALTER COLUMN created_ts TYPE timestamp;
