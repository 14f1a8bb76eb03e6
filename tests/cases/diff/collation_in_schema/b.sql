CREATE SCHEMA app;
CREATE COLLATION app.posix_c (provider = libc, lc_collate = 'POSIX', lc_ctype = 'C');
CREATE DOMAIN app.code AS text COLLATE app.posix_c;
