-- the table a function reads goes too: the function is dropped first
CREATE TABLE other (id integer);
