-- case: VALIDATE CONSTRAINT waits for SHARE UPDATE EXCLUSIVE: writes and reads do not queue behind it
-- expect: missing-lock-timeout none
-- expect: missing-statement-timeout none
ALTER TABLE t VALIDATE CONSTRAINT t_a_check;
