-- case: DROP DATABASE deletes everything, and cannot run in a transaction block
-- expect: drop-schema-or-database error line 5
-- expect: concurrently-in-transaction error line 5
-- runs: fails 25001
DROP DATABASE IF EXISTS "no_such_database";
