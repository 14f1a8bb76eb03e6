CREATE TABLE lines (id integer, price numeric NOT NULL, qty integer NOT NULL);
