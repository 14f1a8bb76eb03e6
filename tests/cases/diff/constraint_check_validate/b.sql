CREATE TABLE products (id integer, price numeric);
ALTER TABLE products ADD CONSTRAINT price_positive CHECK (price > 0);
