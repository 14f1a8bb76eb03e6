-- an AFTER row trigger, which a partitioned table can have from PostgreSQL 11 (BEFORE
-- from 13): each partition, old and new, gets a clone that is the parent's, not its own
CREATE FUNCTION noted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TABLE logs (id integer NOT NULL, level integer NOT NULL) PARTITION BY LIST (level);
CREATE TABLE logs_1 PARTITION OF logs FOR VALUES IN (1);
CREATE TABLE logs_2 PARTITION OF logs FOR VALUES IN (2);
CREATE TRIGGER logs_noted AFTER INSERT ON logs FOR EACH ROW EXECUTE FUNCTION noted();
