-- case: CREATE SUBSCRIPTION WITH (connect = false) creates no slot and runs in a transaction
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- runs: ok
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
