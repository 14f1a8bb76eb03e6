-- pgshift:no-transaction
-- case: no-transaction: BEGIN ... COMMIT is still transaction control, which pgshift refuses
-- expect: transaction-control-in-file error line 5
-- expect: transaction-control-in-file error line 7
BEGIN;
SELECT 1;
COMMIT;
