-- case: CHECK ... NOT VALID, then VALIDATE in the same transaction: ACCESS EXCLUSIVE held for the scan
-- expect: add-check-without-not-valid none
-- expect: validate-in-same-transaction warning line 8
-- live: CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric, address text);
-- live: INSERT INTO accounts SELECT g, g, 'a' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "accounts" ADD CONSTRAINT "positive_balance" CHECK ("balance" >= 0) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT positive_balance;
