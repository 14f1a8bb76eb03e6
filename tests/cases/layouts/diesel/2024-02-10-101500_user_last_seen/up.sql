ALTER TABLE users ADD COLUMN last_seen_at timestamptz DEFAULT now() -- shown on profiles
;

COMMENT ON COLUMN users.last_seen_at IS 'Last sign-in; set at sign-up'