-- case: COMMIT twice (pgshift refuses transaction control)
-- expect: transaction-control-in-file error line 5
-- expect: transaction-control-in-file error line 7
-- expect: transaction-control-in-file error line 8
BEGIN;
SELECT 1;
COMMIT;
COMMIT;
