-- case: CALL of a procedure that calls one of the file's that commits: migrate refuses it
-- expect: migrate-refuses error line 13
-- live: CREATE TABLE t (c int);
-- runs: fails 2D000
-- needs: 11 CREATE PROCEDURE
CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
END
$$;
CREATE PROCEDURE run_all() LANGUAGE plpgsql AS $$ BEGIN CALL backfill(); END $$;
CALL run_all();
