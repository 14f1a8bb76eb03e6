-- case: DROP CONSTRAINT removes a guarantee the data had
-- expect: drop-constraint warning line 6
-- live: CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric, address text);
-- live: ALTER TABLE accounts ADD CONSTRAINT accounts_positive CHECK (balance >= 0);
-- runs: ok
ALTER TABLE accounts DROP CONSTRAINT accounts_positive;
