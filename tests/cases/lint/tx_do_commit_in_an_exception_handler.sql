-- case: COMMIT in an EXCEPTION handler runs outside the block's subtransaction: it works
-- expect: transaction-control-in-file none
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: ok
-- runs before 11: fails 0A000
-- pgshift:no-transaction
DO $$
BEGIN
  BEGIN
    PERFORM 1 / 0;
  EXCEPTION WHEN division_by_zero THEN
    COMMIT;
  END;
END
$$;
