-- case: timestamptz and timestamp with time zone are fine
-- expect: prefer-timestamptz-and-jsonb none
CREATE TABLE app_users (id bigint, created_ts timestamptz);
CREATE TABLE app_accounts (id bigint, created_ts timestamp with time zone);
