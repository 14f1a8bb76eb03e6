-- case: ALTER DOMAIN ADD CONSTRAINT waits for SHARE on every table of the domain: writes queue
-- expect: missing-lock-timeout warning line 3
ALTER DOMAIN dpos ADD CONSTRAINT dpos_positive CHECK (VALUE > 0);
