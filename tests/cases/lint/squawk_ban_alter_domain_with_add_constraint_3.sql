-- case: ALTER DOMAIN SET NOT NULL reads every column of the domain, and fails on a NULL
-- expect: domain-constraint warning line 8
-- live: CREATE DOMAIN dpos AS integer;
-- live: CREATE TABLE dt (x dpos);
-- live: INSERT INTO dt SELECT g FROM generate_series(1, 100) g;
-- live: INSERT INTO dt VALUES (NULL);
-- runs: fails 23502
ALTER DOMAIN dpos SET NOT NULL;
