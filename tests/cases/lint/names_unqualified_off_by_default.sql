-- case: unqualified-name is off unless the project turns it on
-- expect: unqualified-name none
ALTER TABLE users ADD COLUMN name text;
