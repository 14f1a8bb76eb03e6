-- case: REINDEX TABLE waits for a lock that blocks writes: without lock_timeout writes queue
-- expect: missing-lock-timeout warning line 3
REINDEX TABLE users;
