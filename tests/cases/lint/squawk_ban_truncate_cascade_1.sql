-- case: TRUNCATE ... CASCADE empties every referencing table too (it runs: the loss is silent)
-- expect: truncate error line 8
-- live: CREATE TABLE a (id bigint PRIMARY KEY);
-- live: CREATE TABLE b (id bigint);
-- live: CREATE TABLE c (id bigint);
-- live: CREATE TABLE d (a_id bigint REFERENCES a (id));
-- runs: ok
TRUNCATE a, b, c CASCADE;
