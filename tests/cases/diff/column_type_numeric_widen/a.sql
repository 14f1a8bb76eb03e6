CREATE TABLE prices (amount numeric(8,2));
