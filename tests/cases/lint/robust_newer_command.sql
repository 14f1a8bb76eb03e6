-- case: a command of a newer PostgreSQL (REPACK, PostgreSQL 19) is named as such
-- expect: parse-error error line 3 safe "newer PostgreSQL"
REPACK users;
