-- case: with unqualified-name turned on, a table named without its schema is flagged
-- enable: unqualified-name
-- expect: unqualified-name warning line 5 safe "public.users"
CREATE TABLE public.users (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN name text;
