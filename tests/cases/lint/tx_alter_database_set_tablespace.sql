-- case: ALTER DATABASE ... SET TABLESPACE cannot run inside a transaction block
-- expect: concurrently-in-transaction error line 4
-- runs: fails 25001
ALTER DATABASE pgshift_no_such_database SET TABLESPACE pg_default;
