CREATE TABLE t (id integer);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, t_id integer, total numeric(12,2) NOT NULL);
CREATE INDEX invoices_total_idx ON billing.invoices (total);
