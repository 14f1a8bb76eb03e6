-- case: both timeouts set (the names are case-insensitive)
-- expect: missing-lock-timeout none
-- expect: missing-statement-timeout none
SET Lock_Timeout = '1s';
SET Statement_Timeout = '5s';
ALTER TABLE t ADD COLUMN c BOOLEAN;
