CREATE TABLE lines (id integer, price numeric NOT NULL, qty integer NOT NULL,
    total numeric GENERATED ALWAYS AS (price * qty) STORED);
