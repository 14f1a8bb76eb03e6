-- case: BEGIN ... CREATE INDEX CONCURRENTLY ... COMMIT: transaction control, and CONCURRENTLY in it
-- expect: transaction-control-in-file error line 5
-- expect: transaction-control-in-file error line 7
-- expect: concurrently-in-transaction error line 6
BEGIN;
CREATE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
COMMIT;
