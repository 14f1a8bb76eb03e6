CREATE TABLE products (id integer, price numeric, CONSTRAINT products_price_check CHECK (price >= 0));
