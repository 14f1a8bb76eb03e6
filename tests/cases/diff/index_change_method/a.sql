CREATE TABLE t (id integer, token text);
CREATE INDEX t_token_idx ON t (token);
