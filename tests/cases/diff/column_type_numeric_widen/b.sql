CREATE TABLE prices (amount numeric(12,4));
