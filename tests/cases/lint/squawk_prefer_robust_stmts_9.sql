-- pgshift:no-transaction
-- case: no-transaction: DROP CONSTRAINT IF EXISTS before ADD CONSTRAINT makes the pair repeatable
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE app_user (id bigint PRIMARY KEY);
-- live: CREATE TABLE app_email (id bigint, user_id bigint);
-- runs: ok twice
ALTER TABLE "app_email" DROP CONSTRAINT IF EXISTS "fk_user";
ALTER TABLE "app_email" ADD CONSTRAINT "fk_user" FOREIGN KEY ("user_id") REFERENCES "app_user" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID;
ALTER TABLE "app_email" VALIDATE CONSTRAINT "fk_user";
