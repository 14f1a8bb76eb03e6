CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS t_ab (ndistinct, dependencies) ON a, b FROM t;
