-- case: DROP SUBSCRIPTION after SET (slot_name = NONE) in the file runs in a transaction
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- runs: ok
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
ALTER SUBSCRIPTION replica ENABLE;
ALTER SUBSCRIPTION replica DISABLE;
ALTER SUBSCRIPTION replica SET (slot_name = NONE);
DROP SUBSCRIPTION replica;
