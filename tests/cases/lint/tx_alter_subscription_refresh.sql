-- case: ALTER SUBSCRIPTION ... SET PUBLICATION refreshes by default: not in a transaction block
-- expect: concurrently-in-transaction error line 8 safe "refresh = false"
-- expect: migrate-refuses none
-- runs: fails 25001
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
ALTER SUBSCRIPTION replica ENABLE;
ALTER SUBSCRIPTION replica SET PUBLICATION orders, invoices;
