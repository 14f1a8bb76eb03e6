CREATE TABLE rooms (id integer, name varchar(255));
