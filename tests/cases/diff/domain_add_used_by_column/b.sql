CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
CREATE TABLE users (id integer, email text, backup_email email);
