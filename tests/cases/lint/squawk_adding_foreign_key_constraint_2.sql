-- case: a foreign key added to a table created earlier in the same migration checks no rows
-- expect: add-foreign-key-without-not-valid none
-- live: CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
-- live: INSERT INTO users SELECT g, 'u' || g, 'n' || g FROM generate_series(1, 100) g;
-- runs: ok
CREATE TABLE "emails" ("id" uuid NOT NULL, "user_id" bigint NOT NULL);
ALTER TABLE "emails" ADD CONSTRAINT "fk_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id");
