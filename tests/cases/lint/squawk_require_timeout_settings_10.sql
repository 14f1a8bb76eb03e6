-- case: DROP INDEX waits for ACCESS EXCLUSIVE on the table: without lock_timeout every query queues
-- expect: missing-lock-timeout warning line 3
DROP INDEX users_email_idx;
