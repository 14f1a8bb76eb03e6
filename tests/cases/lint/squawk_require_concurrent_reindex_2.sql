-- case: REINDEX SCHEMA cannot run inside a transaction block: it fails
-- expect: missing-concurrently-other warning line 5
-- expect: concurrently-in-transaction error line 5
-- runs: fails 25001
REINDEX SCHEMA public;
