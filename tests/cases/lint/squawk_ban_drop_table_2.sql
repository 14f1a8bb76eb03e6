-- case: dropping a table created earlier in the same migration loses nothing
-- expect: drop-table none
-- runs: ok
CREATE TABLE scratch (id bigint);
DROP TABLE scratch;
