CREATE EXTENSION pgcrypto;
CREATE TABLE tokens (id integer PRIMARY KEY, secret text DEFAULT encode(gen_random_bytes(16), 'hex') NOT NULL);
