CREATE TABLE t (id integer, email text);
CREATE INDEX t_email_idx ON t (email);
