-- expect: narrowing-type-change error line 2
ALTER TABLE users ALTER COLUMN email TYPE varchar(150);
