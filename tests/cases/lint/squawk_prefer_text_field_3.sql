-- case: widening varchar(255) to varchar(1000) with a USING cast changes no value and does not rewrite
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE core_foo (id bigint, kind varchar(255));
-- live: INSERT INTO core_foo SELECT g, repeat('k', 200) FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "core_foo" ALTER COLUMN "kind" TYPE varchar(1000) USING "kind"::varchar(1000);
