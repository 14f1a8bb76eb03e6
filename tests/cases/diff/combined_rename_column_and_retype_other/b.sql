CREATE TABLE accounts (id integer PRIMARY KEY, username text NOT NULL, balance bigint DEFAULT 0 NOT NULL);
CREATE VIEW rich AS SELECT id, username, balance FROM accounts WHERE balance > 1000;
