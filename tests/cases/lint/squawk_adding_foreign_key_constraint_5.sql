-- case: ADD COLUMN ... REFERENCES is a foreign key without NOT VALID: both tables are locked
-- expect: add-foreign-key-without-not-valid warning line 8
-- live: CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
-- live: INSERT INTO users SELECT g, 'u' || g, 'n' || g FROM generate_series(1, 100) g;
-- live: CREATE TABLE email (id bigint PRIMARY KEY, address text);
-- live: INSERT INTO email SELECT g, 'a' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "email" ADD COLUMN "user_id" bigint REFERENCES "users" ("id");
