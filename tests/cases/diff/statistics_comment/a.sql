CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS t_ab ON a, b FROM t;
