-- case: an unnamed ADD PRIMARY KEY run again fails: multiple primary keys
-- expect: non-idempotent-in-non-transactional warning line 6
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: fails twice 42P16
-- pgshift:no-transaction
ALTER TABLE t ADD PRIMARY KEY (c);
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_d_idx ON t (d);
