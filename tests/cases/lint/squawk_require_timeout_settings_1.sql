-- case: no lock_timeout and no statement_timeout before an ALTER TABLE
-- expect: missing-lock-timeout warning line 4
-- expect: missing-statement-timeout info line 4
ALTER TABLE t ADD COLUMN c BOOLEAN;
