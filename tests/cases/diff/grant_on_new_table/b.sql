CREATE TABLE t (id integer);
CREATE TABLE rates (code text PRIMARY KEY, rate numeric);
GRANT SELECT, REFERENCES ON rates TO PUBLIC;
