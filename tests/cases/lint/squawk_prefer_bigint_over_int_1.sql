-- case: an integer key runs out at 2,147,483,647
-- expect: prefer-bigint-and-identity info line 4
-- expect: prefer-bigint-and-identity info line 5
CREATE TABLE users (id int);
CREATE TABLE accounts (id integer, owner_id int4);
