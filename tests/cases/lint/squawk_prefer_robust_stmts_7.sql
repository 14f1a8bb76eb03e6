-- pgshift:no-transaction
-- case: no-transaction: SET NOT NULL and ENABLE ROW LEVEL SECURITY run again without failing
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- runs: ok twice
SELECT 1;
ALTER TABLE core_foo ALTER COLUMN id SET NOT NULL;
ALTER TABLE IF EXISTS core_foo ENABLE ROW LEVEL SECURITY;
