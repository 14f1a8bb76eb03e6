-- case: CALL of a LANGUAGE sql procedure of the file (which cannot commit) runs in a transaction
-- expect: migrate-refuses none
-- expect: transaction-control-in-file none
-- live: CREATE TABLE t (c int);
-- runs: ok
-- needs: 14 BEGIN ATOMIC
CREATE PROCEDURE backfill() LANGUAGE sql
BEGIN ATOMIC
  UPDATE t SET c = 1 WHERE c IS NULL;
END;
CALL backfill();
