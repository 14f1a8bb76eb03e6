-- case: CREATE SUBSCRIPTION creates a replication slot by default: not in a transaction block
-- expect: concurrently-in-transaction error line 5 safe "create_slot = false"
-- expect: migrate-refuses none
-- runs: fails 25001
CREATE SUBSCRIPTION replica CONNECTION 'dbname=pgshift_no_such_database' PUBLICATION orders;
