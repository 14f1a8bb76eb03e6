CREATE COLLATION sorted (provider = libc, locale = 'POSIX');
