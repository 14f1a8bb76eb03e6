CREATE TABLE prices (id integer, amount numeric);
GRANT INSERT ON TABLE prices TO PUBLIC;
