-- pgshift:no-transaction
-- case: VACUUM without FULL, with ANALYZE or FREEZE, rewrites nothing
-- expect: table-rewrite-command none
-- live: CREATE TABLE foo (id bigint);
-- runs: ok twice
-- needs: 12 VACUUM (FULL FALSE): option values
VACUUM foo;
VACUUM ANALYZE foo;
VACUUM FREEZE foo;
VACUUM (FULL FALSE) foo;
