CREATE TABLE prices (id integer, amount numeric);
GRANT SELECT ON TABLE prices TO PUBLIC;
