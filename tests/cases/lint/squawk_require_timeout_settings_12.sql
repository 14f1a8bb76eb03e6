-- pgshift:no-transaction
-- case: no-transaction: VACUUM FULL waits for ACCESS EXCLUSIVE: without lock_timeout every query queues
-- expect: missing-lock-timeout warning line 5
SET statement_timeout = '1h';
VACUUM FULL users;
