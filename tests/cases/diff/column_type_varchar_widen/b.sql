CREATE TABLE codes (code varchar(50) NOT NULL);
