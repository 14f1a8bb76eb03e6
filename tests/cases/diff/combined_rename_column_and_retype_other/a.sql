CREATE TABLE accounts (id integer PRIMARY KEY, uname text NOT NULL, balance integer DEFAULT 0 NOT NULL);
CREATE VIEW rich AS SELECT id, uname, balance FROM accounts WHERE balance > 1000;
