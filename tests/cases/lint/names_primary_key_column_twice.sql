-- case: a primary key listing one column twice fails
-- expect: duplicate-column error line 4
-- runs: fails 42701
CREATE TABLE accounts (id bigint, region text, PRIMARY KEY (id, region, id));
