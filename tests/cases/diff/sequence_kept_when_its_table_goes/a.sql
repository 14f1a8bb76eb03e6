CREATE TABLE old_orders (id bigint);
CREATE SEQUENCE order_no OWNED BY old_orders.id;
CREATE TABLE orders (id bigint PRIMARY KEY, no bigint DEFAULT nextval('order_no'));
