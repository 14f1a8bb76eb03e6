CREATE TABLE t (id integer);
CREATE SEQUENCE invoice_no START 1000;
