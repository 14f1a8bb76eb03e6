-- case: varchar(n) in CREATE TABLE and ADD COLUMN
-- expect: prefer-text-over-varchar-char info line 4
-- expect: prefer-text-over-varchar-char info line 8
CREATE TABLE "core_bar" (
    "id" bigint NOT NULL PRIMARY KEY,
    "alpha" varchar(100) NOT NULL
);
ALTER TABLE "core_bar" ADD COLUMN "foo_column" varchar(256) NULL;
