-- case: before PostgreSQL 14 a refresh runs in a transaction block, but migrate still refuses it
-- expect: concurrently-in-transaction error line 7 safe "refresh = false"
-- expect: migrate-refuses none
-- pg: 13
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders
  WITH (connect = false);
ALTER SUBSCRIPTION replica SET PUBLICATION orders, invoices;
