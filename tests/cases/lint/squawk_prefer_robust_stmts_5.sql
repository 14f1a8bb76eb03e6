-- pgshift:no-transaction
-- case: no-transaction: CREATE TABLE without IF NOT EXISTS fails when the migration is run again
-- expect: non-idempotent-in-non-transactional warning line 6
-- runs: fails twice 42P07
SELECT 1;
CREATE TABLE "core_bar" ("id" bigint NOT NULL PRIMARY KEY, "bravo" text NOT NULL);
