-- case: in a transaction a failed migration leaves nothing behind: no IF [NOT] EXISTS needed
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE core_foo (id bigint, answer_id integer);
-- live: CREATE INDEX core_foo_old_idx ON core_foo (id);
-- runs: ok
ALTER TABLE "core_foo" ADD COLUMN "note" integer NULL;
CREATE TABLE "core_bar" ("id" bigint NOT NULL PRIMARY KEY);
DROP INDEX "core_foo_old_idx";
