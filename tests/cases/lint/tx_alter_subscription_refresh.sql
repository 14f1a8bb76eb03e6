-- case: ALTER SUBSCRIPTION ... SET PUBLICATION refreshes by default: not in a transaction block (from 14; before, it refreshes there, here failing to reach the publisher)
-- expect: concurrently-in-transaction error line 9 safe "refresh = false"
-- expect: migrate-refuses none
-- runs: fails 25001
-- runs before 14: fails XX000
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
ALTER SUBSCRIPTION replica ENABLE;
ALTER SUBSCRIPTION replica SET PUBLICATION orders, invoices;
