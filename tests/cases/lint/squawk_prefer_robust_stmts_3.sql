-- pgshift:no-transaction
-- case: no-transaction: DROP CONSTRAINT without IF EXISTS fails when the migration is run again
-- expect: non-idempotent-in-non-transactional warning line 8
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- live: ALTER TABLE core_foo ADD CONSTRAINT core_foo_chk CHECK (answer_id > 0);
-- runs: fails twice 42704
SELECT 1;
ALTER TABLE "core_foo" DROP CONSTRAINT "core_foo_chk";
