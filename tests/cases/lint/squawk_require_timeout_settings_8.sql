-- case: LOCK TABLE ... IN ACCESS EXCLUSIVE MODE without lock_timeout queues every query behind it
-- expect: missing-lock-timeout warning line 3
LOCK TABLE t IN ACCESS EXCLUSIVE MODE;
UPDATE t SET a = 1 WHERE id = 1;
