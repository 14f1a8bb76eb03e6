-- case: ALTER DOMAIN ADD CONSTRAINT CHECK reads every column of the domain
-- expect: domain-constraint warning line 7
-- live: CREATE DOMAIN dpos AS integer;
-- live: CREATE TABLE dt (x dpos);
-- live: INSERT INTO dt SELECT g FROM generate_series(1, 100) g;
-- runs: ok
ALTER DOMAIN dpos ADD CONSTRAINT dpos_positive CHECK (value > 0);
