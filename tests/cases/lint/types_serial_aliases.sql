-- case: every serial alias is a sequence loosely tied to its column (serial8 is bigserial: it does not run out)
-- expect: prefer-bigint-and-identity info line 10
-- expect: prefer-bigint-and-identity info line 11
-- expect: prefer-bigint-and-identity info line 12
-- expect: prefer-bigint-and-identity info line 13
-- expect: prefer-bigint-and-identity info line 14
-- expect: prefer-bigint-and-identity info line 15
-- live: CREATE TABLE users (id bigint PRIMARY KEY);
-- runs: ok
ALTER TABLE users ADD COLUMN a serial2;
ALTER TABLE users ADD COLUMN b smallserial;
ALTER TABLE users ADD COLUMN c serial4;
ALTER TABLE users ADD COLUMN d serial;
ALTER TABLE users ADD COLUMN e serial8;
ALTER TABLE users ADD COLUMN f bigserial;
