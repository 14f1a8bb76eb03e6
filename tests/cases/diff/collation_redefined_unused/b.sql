CREATE COLLATION sorted (provider = libc, locale = 'C.UTF-8');
