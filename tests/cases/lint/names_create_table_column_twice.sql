-- case: CREATE TABLE defining a column twice fails, however it is quoted
-- expect: duplicate-column error line 4
-- runs: fails 42701
CREATE TABLE accounts (id bigint, Email text, "email" text);
