CREATE TABLE accounts (id integer PRIMARY KEY, balance numeric NOT NULL DEFAULT 0);
