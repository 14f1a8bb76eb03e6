-- case: DETACH PARTITION ... FINALIZE completes an interrupted concurrent detach
-- expect: missing-concurrently-other none
ALTER TABLE t DETACH PARTITION p FINALIZE;
