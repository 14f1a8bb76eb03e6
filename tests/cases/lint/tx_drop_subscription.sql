-- case: DROP SUBSCRIPTION of a subscription with a replication slot cannot run in a transaction block
-- expect: concurrently-in-transaction error line 7 safe "slot_name = NONE"
-- expect: migrate-refuses none
-- runs: fails 25001
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
DROP SUBSCRIPTION replica;
