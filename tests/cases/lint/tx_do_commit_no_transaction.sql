-- case: a DO block that commits runs in a no-transaction migration
-- expect: migrate-refuses none
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: ok
-- runs before 11: fails 0A000
-- pgshift:no-transaction
DO $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
