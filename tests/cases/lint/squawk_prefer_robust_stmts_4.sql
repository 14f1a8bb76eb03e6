-- pgshift:no-transaction
-- case: no-transaction: DROP COLUMN without IF EXISTS fails when the migration is run again
-- expect: non-idempotent-in-non-transactional warning line 7
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- runs: fails twice 42703
SELECT 1;
ALTER TABLE core_foo DROP COLUMN answer_id CASCADE;
