-- case: foo.lock_timeout is another setting; timeouts set after the ALTER come too late
-- expect: missing-lock-timeout warning line 6
-- expect: missing-statement-timeout info line 6
SET foo.lock_timeout = '1s';
SET foo.statement_timeout = '5s';
ALTER TABLE t ADD COLUMN c BOOLEAN;
SET lock_timeout = '1s';
SET statement_timeout = '5s';
