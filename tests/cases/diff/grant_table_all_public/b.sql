CREATE TABLE scratch (id integer);
GRANT ALL ON scratch TO PUBLIC;
