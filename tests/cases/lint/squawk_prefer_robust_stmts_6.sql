-- pgshift:no-transaction
-- case: no-transaction: CREATE/DROP INDEX CONCURRENTLY without IF [NOT] EXISTS fail on a second run
-- expect: non-idempotent-in-non-transactional warning line 8
-- expect: non-idempotent-in-non-transactional warning line 9
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- live: CREATE INDEX core_foo_old_idx ON core_foo (id);
-- runs: fails twice 42P07
CREATE INDEX CONCURRENTLY "core_foo_idx" ON "core_foo" ("answer_id");
DROP INDEX CONCURRENTLY "core_foo_old_idx";
