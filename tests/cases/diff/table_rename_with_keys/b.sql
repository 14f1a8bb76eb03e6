CREATE TABLE client (
    id integer CONSTRAINT customer_pk PRIMARY KEY,
    email text NOT NULL CONSTRAINT customer_email_uq UNIQUE
);
CREATE INDEX customer_lower_email ON client (lower(email));
CREATE TABLE orders (
    id integer PRIMARY KEY,
    customer_id integer CONSTRAINT orders_customer_fk REFERENCES client (id)
);
