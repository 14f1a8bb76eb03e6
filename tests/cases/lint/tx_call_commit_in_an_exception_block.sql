-- case: a procedure of the file that commits inside BEGIN ... EXCEPTION fails even outside a transaction
-- expect: transaction-control-in-file error line 17
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: fails 2D000
-- needs: 11 CREATE PROCEDURE
-- pgshift:no-transaction
CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE t SET c = 1 WHERE c IS NULL;
  COMMIT;
EXCEPTION WHEN lock_not_available THEN
  RAISE NOTICE 'skipped';
END
$$;
CREATE PROCEDURE run_all() LANGUAGE plpgsql AS $$ BEGIN CALL backfill(); END $$;
CALL run_all();
