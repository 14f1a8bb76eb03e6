CREATE SEQUENCE order_no;
CREATE TABLE orders (id bigint PRIMARY KEY, no bigint DEFAULT nextval('order_no'));
