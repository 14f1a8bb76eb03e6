CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
