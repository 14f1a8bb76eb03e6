-- case: an index on a table created in the same migration blocks nobody
-- expect: create-index-non-concurrent none
-- runs: ok
CREATE TABLE "core_foo" ("id" bigint NOT NULL PRIMARY KEY, "tenant_id" integer NULL);
CREATE INDEX "core_foo_tenant_id_4d397ef9" ON "core_foo" ("tenant_id");
