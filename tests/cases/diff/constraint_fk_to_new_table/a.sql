CREATE TABLE orders (id integer PRIMARY KEY, currency text NOT NULL);
