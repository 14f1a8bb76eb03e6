-- pgshift:no-transaction
-- case: DETACH PARTITION CONCURRENTLY in a no-transaction migration
-- expect: missing-concurrently-other none
-- expect: concurrently-in-transaction none
-- live: CREATE TABLE t (id bigint, k int) PARTITION BY RANGE (k);
-- live: CREATE TABLE p PARTITION OF t FOR VALUES FROM (0) TO (10);
-- runs: ok
-- needs: 14 DETACH PARTITION ... CONCURRENTLY
ALTER TABLE t DETACH PARTITION p CONCURRENTLY;
