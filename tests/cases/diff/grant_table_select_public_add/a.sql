CREATE TABLE prices (id integer, amount numeric);
