CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS t_ab (ndistinct) ON a, b FROM t;
