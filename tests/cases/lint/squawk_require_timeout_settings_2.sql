-- case: statement_timeout set, lock_timeout missing
-- expect: missing-lock-timeout warning line 5
-- expect: missing-statement-timeout none
SET statement_timeout = '5s';
ALTER TABLE t ADD COLUMN c BOOLEAN;
