-- case: a CHECK added without NOT VALID scans the table under ACCESS EXCLUSIVE
-- expect: add-check-without-not-valid warning line 6
-- live: CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric, address text);
-- live: INSERT INTO accounts SELECT g, g, 'a' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "accounts" ADD CONSTRAINT "positive_balance" CHECK ("balance" >= 0);
