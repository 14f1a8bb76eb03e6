-- case: a column added earlier in the file as varchar(200): varchar(150) narrows it
-- expect: narrowing-type-change error line 5
ALTER TABLE users ADD COLUMN nick varchar(200);
ALTER TABLE users ALTER COLUMN nick TYPE varchar(200);
ALTER TABLE users ALTER COLUMN nick TYPE varchar(150);
