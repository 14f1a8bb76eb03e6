-- pgshift:no-transaction
-- case: VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE, on every version
-- expect: table-rewrite-command warning line 7
-- expect: table-rewrite-command warning line 8
-- live: CREATE TABLE foo (id bigint CONSTRAINT foo_pkey PRIMARY KEY);
-- runs: ok
VACUUM FULL foo;
CLUSTER foo USING foo_pkey;
