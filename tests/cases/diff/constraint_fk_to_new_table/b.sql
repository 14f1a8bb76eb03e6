CREATE TABLE currencies (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, currency text NOT NULL,
    CONSTRAINT orders_currency_fk FOREIGN KEY (currency) REFERENCES currencies (code));
