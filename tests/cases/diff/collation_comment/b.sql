CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
COMMENT ON COLLATION posix_c IS 'bytes order';
