-- case: bit varying(5) to bit varying(10) widens it: no error, no rewrite
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE flags (id bigint, mask bit varying(5));
-- live: INSERT INTO flags SELECT g, B'10101' FROM generate_series(1, 10) g;
-- runs: ok
ALTER TABLE flags ALTER COLUMN mask TYPE bit varying(10);
