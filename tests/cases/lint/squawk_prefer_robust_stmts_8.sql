-- pgshift:no-transaction
-- case: no-transaction: a temporary table ON COMMIT DROP is gone when its statement commits
-- expect: non-idempotent-in-non-transactional none
-- runs: ok twice
SELECT 1;
CREATE TEMP TABLE test_table (id bigint) ON COMMIT DROP;
