CREATE TABLE codes (code varchar(10) NOT NULL);
