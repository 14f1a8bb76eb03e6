-- case: dropping an index created earlier in the same migration blocks nobody
-- expect: drop-index-non-concurrent none
-- runs: ok
CREATE TABLE scratch (id bigint);
CREATE INDEX scratch_id_idx ON scratch (id);
DROP INDEX scratch_id_idx;
