-- case: timestamp and timestamp without time zone drop the zone
-- expect: prefer-timestamptz-and-jsonb info line 4
-- expect: prefer-timestamptz-and-jsonb info line 5
CREATE TABLE app_users (id bigint, created_ts timestamp);
CREATE TABLE app_accounts (id bigint, created_ts timestamp without time zone);
