-- pgshift:no-transaction
-- case: no-transaction: ADD COLUMN without IF NOT EXISTS fails when the migration is run again
-- expect: non-idempotent-in-non-transactional warning line 7
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- runs: fails twice 42701
SELECT 1;
ALTER TABLE "core_foo" ADD COLUMN "note" integer NULL;
