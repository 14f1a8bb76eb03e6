-- case: ALTER SUBSCRIPTION ... SET PUBLICATION WITH (refresh = false) runs in a transaction
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- runs: ok
-- needs: 14 ALTER SUBSCRIPTION ... ADD PUBLICATION
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
ALTER SUBSCRIPTION replica ENABLE;
ALTER SUBSCRIPTION replica SET PUBLICATION orders, invoices WITH (refresh = false);
ALTER SUBSCRIPTION replica ADD PUBLICATION refunds WITH (refresh = off);
