-- case: COMMIT or ROLLBACK ends the migration's own transaction (pgshift refuses it)
-- expect: transaction-control-in-file error line 5
-- expect: transaction-control-in-file error line 7
SELECT 1;
COMMIT;
SELECT 2;
ROLLBACK;
