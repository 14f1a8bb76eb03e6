-- case: CALL of a procedure of the file that commits fails in a transaction: migrate refuses it
-- expect: migrate-refuses error line 13
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: fails 2D000
-- needs: 11 CREATE PROCEDURE
CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
CALL backfill();
