-- case: before PostgreSQL 11 any non-NULL default rewrites the table
-- expect: add-column-volatile-default warning line 4
-- pg: 10
ALTER TABLE "core_recipe" ADD COLUMN "foo" integer DEFAULT 10;
