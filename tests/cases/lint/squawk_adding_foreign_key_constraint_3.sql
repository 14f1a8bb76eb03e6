-- case: NOT VALID, then VALIDATE in the same transaction: the FK's lock is held for the scan
-- expect: add-foreign-key-without-not-valid none
-- expect: validate-in-same-transaction warning line 11
-- live: CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
-- live: INSERT INTO users SELECT g, 'u' || g, 'n' || g FROM generate_series(1, 100) g;
-- live: CREATE TABLE email (id bigint PRIMARY KEY, address text);
-- live: INSERT INTO email SELECT g, 'a' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "email" ADD COLUMN "user_id" bigint;
ALTER TABLE "email" ADD CONSTRAINT "fk_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") NOT VALID;
ALTER TABLE "email" VALIDATE CONSTRAINT "fk_user";
