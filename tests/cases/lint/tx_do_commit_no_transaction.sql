-- case: a DO block that commits runs in a no-transaction migration
-- expect: migrate-refuses none
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: ok
-- pgshift:no-transaction
DO $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
