CREATE TABLE notes (id integer, body varchar(200));
