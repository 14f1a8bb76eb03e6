CREATE TABLE t (id integer, email text);
CREATE UNIQUE INDEX t_email_uidx ON t (email) NULLS NOT DISTINCT;
