-- pgshift:no-transaction
-- case: on PostgreSQL 19, VACUUM FULL and CLUSTER still rewrite under ACCESS EXCLUSIVE
-- expect: table-rewrite-command warning line 6
-- expect: table-rewrite-command warning line 7
-- pg: 19
VACUUM FULL foo;
CLUSTER foo USING foo_pkey;
