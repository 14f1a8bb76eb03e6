CREATE FUNCTION cents(n numeric) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT (n * 100)::integer $$;
CREATE TABLE prices (id integer, amount numeric);
CREATE VIEW price_cents AS SELECT id, cents(amount) AS cents FROM prices;
