-- pgshift:no-transaction
-- case: no-transaction: IF NOT EXISTS / IF EXISTS statements survive a second run
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- runs: ok twice
SELECT 1;
ALTER TABLE "core_foo" ADD COLUMN IF NOT EXISTS "note" integer NULL;
ALTER TABLE "core_foo" DROP CONSTRAINT IF EXISTS "core_foo_chk";
DROP INDEX CONCURRENTLY IF EXISTS "email_idx";
