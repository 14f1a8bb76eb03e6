CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS t_expr ON lower(c), a FROM t;
