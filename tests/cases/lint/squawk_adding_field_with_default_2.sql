-- case: PostgreSQL 11 already adds a column with a constant default without a rewrite
-- expect: add-column-volatile-default none
-- pg: 11
ALTER TABLE "core_recipe" ADD COLUMN "foo" integer DEFAULT 10;
