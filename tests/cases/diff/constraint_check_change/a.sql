CREATE TABLE products (id integer, price numeric, CONSTRAINT price_ok CHECK (price >= 0));
