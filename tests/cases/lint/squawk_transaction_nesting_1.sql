-- case: BEGIN inside the migration's own transaction (pgshift refuses transaction control)
-- expect: transaction-control-in-file error line 5
-- expect: transaction-control-in-file error line 6
-- expect: transaction-control-in-file error line 8
BEGIN;
BEGIN;
SELECT 1;
COMMIT;
