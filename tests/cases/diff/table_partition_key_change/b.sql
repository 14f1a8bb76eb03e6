CREATE TABLE sales (id integer NOT NULL, at date NOT NULL, region text NOT NULL) PARTITION BY LIST (region);
CREATE TABLE sales_eu PARTITION OF sales FOR VALUES IN ('eu');
CREATE TABLE audit (sale_id integer);
CREATE VIEW sales_view AS SELECT id, region FROM sales;
