-- case: CALL of a procedure of the file that commits runs in a no-transaction migration
-- expect: migrate-refuses none
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: ok
-- needs: 11 CREATE PROCEDURE
-- pgshift:no-transaction
CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
CALL backfill();
