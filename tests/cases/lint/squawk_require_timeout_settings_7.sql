-- case: ALTER TABLE on a table created in the same migration waits for nobody
-- expect: missing-lock-timeout none
-- expect: missing-statement-timeout none
CREATE TABLE users (id bigint);
ALTER TABLE users ADD COLUMN email TEXT;
