CREATE TABLE accounts (id integer NOT NULL, code text NOT NULL);
CREATE UNIQUE INDEX accounts_pkey ON accounts (id);
CREATE UNIQUE INDEX accounts_code_key ON accounts (code);
