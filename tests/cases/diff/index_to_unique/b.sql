CREATE TABLE t (id integer, email text);
CREATE UNIQUE INDEX t_email_idx ON t (email);
