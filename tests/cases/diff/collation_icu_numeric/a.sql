CREATE COLLATION posix_c FROM "POSIX";
CREATE TABLE t (a text, b text COLLATE posix_c);
