CREATE COLLATION posix_c (provider = libc, lc_collate = 'POSIX', lc_ctype = 'C');
CREATE SCHEMA app;
CREATE DOMAIN app.code AS text COLLATE posix_c;
CREATE TABLE app.items (code app.code);
