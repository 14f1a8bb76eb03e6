CREATE TABLE a (x integer, y integer, PRIMARY KEY (x, y));
CREATE TABLE b (id integer, ax integer, ay integer);
