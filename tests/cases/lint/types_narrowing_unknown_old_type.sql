-- case: a limit on a column whose type lint does not know is judged as before: it may narrow
-- expect: narrowing-type-change error line 4
-- expect: narrowing-type-change error line 5
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);
