CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL DEFAULT 0);
CREATE FUNCTION total_balance() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT coalesce(sum(balance), 0) FROM accounts;
END;
