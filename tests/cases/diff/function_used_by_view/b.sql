CREATE FUNCTION cents(n numeric) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT (n * 100)::bigint $$;
CREATE TABLE prices (id integer, amount numeric);
CREATE VIEW price_cents AS SELECT id, cents(amount) AS cents FROM prices;
