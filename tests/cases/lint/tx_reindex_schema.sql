-- case: REINDEX SCHEMA cannot run inside a transaction block (nor DATABASE, SYSTEM)
-- expect: concurrently-in-transaction error line 4
-- runs: fails 25001
REINDEX SCHEMA public;
