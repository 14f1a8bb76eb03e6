-- case: COMMIT inside BEGIN ... EXCEPTION fails even outside a transaction: a subtransaction
-- expect: transaction-control-in-file error line 12
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: fails 2D000
-- runs before 11: fails 0A000
-- pgshift:no-transaction
DO $$
BEGIN
  BEGIN
    UPDATE t SET c = 1 WHERE c IS NULL;
    COMMIT;
  EXCEPTION WHEN lock_not_available THEN
    RAISE NOTICE 'skipped';
  END;
END
$$;
