-- case: a CHECK on a table created in the same migration scans nothing
-- expect: add-check-without-not-valid none
-- runs: ok
CREATE TABLE "core_foo" ("id" bigint NOT NULL PRIMARY KEY, "age" integer NOT NULL);
ALTER TABLE "core_foo" ADD CONSTRAINT "age_restriction" CHECK ("age" >= 25);
