CREATE TABLE codes (code varchar(20) NOT NULL);
