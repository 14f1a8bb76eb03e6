CREATE TABLE customers (id integer PRIMARY KEY);
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES public.customers (id));
