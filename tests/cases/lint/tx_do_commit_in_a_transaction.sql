-- case: a DO block that commits fails in a transaction: migrate refuses it, and lint says so
-- expect: migrate-refuses error line 7
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: fails 2D000
-- runs before 11: fails 0A000
DO $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
