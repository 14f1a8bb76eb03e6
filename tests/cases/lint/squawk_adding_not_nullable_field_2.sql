-- case: a new NOT NULL column with a default, then DROP DEFAULT: no SET NOT NULL, no scan
-- expect: set-not-null none
-- expect: add-required-column none
-- live: CREATE TABLE foo (id bigint, bar bigint, baz bigint);
-- live: INSERT INTO foo SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "foo" ADD COLUMN "qux" integer DEFAULT 10 NOT NULL;
ALTER TABLE "foo" ALTER COLUMN "qux" DROP DEFAULT;
