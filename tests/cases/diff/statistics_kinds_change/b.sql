CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS t_ab (mcv) ON a, b FROM t;
