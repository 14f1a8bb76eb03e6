-- case: ALTER TABLE ... ADD CONSTRAINT ... UNIQUE run again fails on its index's name
-- expect: non-idempotent-in-non-transactional warning line 6
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: fails twice 42P07
-- pgshift:no-transaction
ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c);
ALTER TABLE t DROP COLUMN IF EXISTS d;
