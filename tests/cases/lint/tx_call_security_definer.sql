-- case: a SECURITY DEFINER (or SET) procedure cannot commit, even outside a transaction
-- expect: transaction-control-in-file error line 14
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: fails 2D000
-- needs: 11 CREATE PROCEDURE
-- pgshift:no-transaction
CREATE PROCEDURE backfill() LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
CALL backfill();
