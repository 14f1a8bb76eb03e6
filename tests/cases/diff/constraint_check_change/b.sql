CREATE TABLE products (id integer, price numeric, CONSTRAINT price_ok CHECK (price > 0 AND price < 1000000));
