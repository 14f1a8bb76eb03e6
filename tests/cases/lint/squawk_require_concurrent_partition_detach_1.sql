-- case: DETACH PARTITION without CONCURRENTLY locks the parent ACCESS EXCLUSIVE
-- expect: missing-concurrently-other warning line 6
-- live: CREATE TABLE t (id bigint, k int) PARTITION BY RANGE (k);
-- live: CREATE TABLE p PARTITION OF t FOR VALUES FROM (0) TO (10);
-- runs: ok
ALTER TABLE t DETACH PARTITION p;
