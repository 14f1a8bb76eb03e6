-- case: TRUNCATE without CASCADE still deletes every row of the tables named
-- expect: truncate error line 7
-- live: CREATE TABLE a (id bigint);
-- live: CREATE TABLE b (id bigint);
-- live: CREATE TABLE c (id bigint);
-- runs: ok
TRUNCATE a, b, c;
