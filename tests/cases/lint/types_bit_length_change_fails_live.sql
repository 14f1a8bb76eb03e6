-- case: bit(5) to bit(10) is no widening: bit(n) takes exactly n bits, every value fails
-- expect: narrowing-type-change error line 6
-- live: CREATE TABLE flags (id bigint, mask bit(5));
-- live: INSERT INTO flags SELECT g, B'10101' FROM generate_series(1, 10) g;
-- runs: fails 22026
ALTER TABLE flags ALTER COLUMN mask TYPE bit(10);
