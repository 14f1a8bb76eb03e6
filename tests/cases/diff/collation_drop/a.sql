CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
CREATE TABLE t (a text, b text COLLATE posix_c);
