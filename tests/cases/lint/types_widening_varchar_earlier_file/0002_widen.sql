-- expect: narrowing-type-change none
-- expect: change-column-type none
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
