-- case: a DO block that only mentions COMMIT in a comment and a string runs in a transaction
-- expect: migrate-refuses none
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: ok
DO $$
BEGIN
  -- no COMMIT here: the migration commits
  UPDATE t SET c = 1 WHERE c IS NULL;
  RAISE NOTICE 'rollback not needed';
END
$$;
