-- migrate:up
ALTER TABLE users ADD COLUMN last_seen_at timestamptz DEFAULT now() -- shown on profiles
;

COMMENT ON COLUMN users.last_seen_at IS 'Last sign-in; set at sign-up'

-- migrate:down
ALTER TABLE users DROP COLUMN last_seen_at