-- case: a column added earlier in the file as varchar(100): varchar(200) widens it (no error, no rewrite)
-- expect: narrowing-type-change none
-- expect: change-column-type none
ALTER TABLE users ADD COLUMN nick varchar(100);
ALTER TABLE users ALTER COLUMN nick TYPE varchar(200);
