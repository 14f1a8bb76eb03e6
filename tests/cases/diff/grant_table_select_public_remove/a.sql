CREATE TABLE prices (id integer, amount numeric);
GRANT SELECT, INSERT ON TABLE prices TO PUBLIC;
