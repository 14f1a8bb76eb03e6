-- case: ALTER TABLE adding one column twice fails: the second finds it exists
-- expect: duplicate-column error line 5
-- live: CREATE TABLE accounts (id bigint);
-- runs: fails 42701
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS plan text, ADD COLUMN plan text;
