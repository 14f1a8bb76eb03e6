-- case: lock_timeout set, statement_timeout missing
-- expect: missing-lock-timeout none
-- expect: missing-statement-timeout info line 5
SET lock_timeout = '1s';
ALTER TABLE t ADD COLUMN c BOOLEAN;
