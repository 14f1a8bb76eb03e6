CREATE TABLE sales (id integer NOT NULL, at date NOT NULL, region text NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE sales_2024 PARTITION OF sales FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE audit (sale_id integer);
CREATE VIEW sales_view AS SELECT id, region FROM sales;
